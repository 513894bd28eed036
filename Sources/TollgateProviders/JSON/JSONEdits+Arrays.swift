extension JSONEdits {
    /// Removes the elements at `indices` from an array, with the commas that joined them and nothing
    /// else: the bytes before the first removed element's separator, and those of every element kept,
    /// stay as they were written (a run of removed elements takes the separator before it, or the one
    /// after it when the run opens the array).
    /// - Parameters:
    ///   - indices: Positions in `array.elements`, in any order; positions out of range are ignored.
    ///   - array: The array.
    mutating func remove(elements indices: Set<Int>, from array: JSONCursor) {
        let elements = array.elements
        let removed = indices.filter { elements.indices.contains($0) }.sorted()
        guard let first = removed.first, let last = removed.last else { return }
        if removed.count == elements.count {
            replace(elements[first].range.lowerBound..<elements[last].range.upperBound, with: [])
            return
        }
        var runStart = first
        for (k, index) in removed.enumerated() {
            let next = k + 1 < removed.count ? removed[k + 1] : nil
            if next == index + 1 { continue }
            if runStart == 0 {
                replace(elements[0].range.lowerBound..<elements[index + 1].range.lowerBound, with: [])
            } else {
                replace(elements[runStart - 1].range.upperBound..<elements[index].range.upperBound, with: [])
            }
            if let next { runStart = next }
        }
    }
}
