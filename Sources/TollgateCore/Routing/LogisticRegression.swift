/// Feature vectors of many prompts, compressed to the features that occur in them (rows in CSR layout).
struct SparseRows: Sendable {
    /// Where each row's entries start in ``columns`` / ``values``; one more than the row count.
    var offsets: [Int] = [0]
    /// Compact column of each entry.
    var columns: [Int32] = []
    /// Value of each entry.
    var values: [Double] = []
    /// The original feature index of each compact column.
    var features: [Int32] = []

    /// Compresses `vectors`: columns are the features that occur in at least `minRows` vectors (every feature
    /// at or above `alwaysFrom`, the dense ones, is kept), in ascending feature order.
    init(_ vectors: [RouterFeatureVector], minRows: Int = 1, alwaysFrom: Int32 = .max) {
        var rowsOf: [Int32: Int] = [:]
        for vector in vectors {
            for index in vector.indices { rowsOf[index, default: 0] += 1 }
        }
        features = rowsOf.filter { $0.value >= minRows || $0.key >= alwaysFrom }.keys.sorted()
        var compact: [Int32: Int32] = [:]
        for (column, feature) in features.enumerated() { compact[feature] = Int32(column) }
        for vector in vectors {
            for (index, value) in zip(vector.indices, vector.values) {
                guard let column = compact[index] else { continue }
                columns.append(column)
                values.append(value)
            }
            offsets.append(columns.count)
        }
    }

    var rowCount: Int { offsets.count - 1 }
}

/// L2-regularised logistic regression fitted by full-batch L-BFGS: deterministic (a fixed order of floating-point
/// operations, ``PortableMath`` for `exp` and `log`), so the same rows give the same weights on every machine.
struct LogisticRegression {
    /// The L2 strength λ: the loss is the mean log loss plus λ/2 ‖w‖² (the intercept is not penalised).
    var l2: Double
    /// The most L-BFGS iterations.
    var maxIterations: Int
    /// Stop when every gradient component is below this.
    var tolerance = 1e-6
    /// L-BFGS memory.
    var memory = 8

    /// The fitted weights (one per compact column) and the intercept.
    struct Fit {
        var weights: [Double]
        var bias: Double
        var iterations: Int
    }

    /// Fits the rows `rows` of `matrix`, labelled `labels` (one per entry of `rows`).
    func fit(_ matrix: SparseRows, rows: [Int], labels: [Bool]) -> Fit {
        var objective = Objective(matrix: matrix, rows: rows, labels: labels.map { $0 ? 1 : 0 }, l2: l2)
        let dimension = matrix.features.count + 1
        var w = [Double](repeating: 0, count: dimension)
        let positives = labels.filter { $0 }.count
        // Start the intercept at the log-odds of the labels, clamped: a constant model is the natural first guess.
        let rate = min(max(Double(positives) / Double(max(1, labels.count)), 1e-3), 1 - 1e-3)
        w[dimension - 1] = PortableMath.log(rate / (1 - rate))
        var gradient = [Double](repeating: 0, count: dimension)
        var loss = objective.evaluate(w, gradient: &gradient)
        var history = LBFGSHistory(memory: memory)
        var iteration = 0
        while iteration < maxIterations, gradient.contains(where: { abs($0) > tolerance }) {
            iteration += 1
            var direction = history.direction(gradient)
            var slope = Self.dot(direction, gradient)
            if slope >= 0 {
                history.reset()
                direction = gradient.map { -$0 }
                slope = -Self.dot(gradient, gradient)
            }
            var step = iteration == 1 ? 1 / max(1, Self.dot(gradient, gradient).squareRoot()) : 1
            var next = w
            var nextGradient = gradient
            var nextLoss = loss
            var accepted = false
            for _ in 0..<40 {
                for i in 0..<dimension { next[i] = w[i] + step * direction[i] }
                nextLoss = objective.evaluate(next, gradient: &nextGradient)
                if nextLoss <= loss + 1e-4 * step * slope {
                    accepted = true
                    break
                }
                step /= 2
            }
            guard accepted else { break }
            history.add(step: zip(next, w).map { $0 - $1 }, change: zip(nextGradient, gradient).map { $0 - $1 })
            let decrease = loss - nextLoss
            (w, gradient, loss) = (next, nextGradient, nextLoss)
            if decrease <= 1e-10 * max(1, abs(loss)) { break }
        }
        return Fit(weights: Array(w.dropLast()), bias: w[dimension - 1], iterations: iteration)
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for i in a.indices { sum += a[i] * b[i] }
        return sum
    }
}

/// The regularised mean log loss and its gradient.
private struct Objective {
    let matrix: SparseRows
    let rows: [Int]
    let labels: [Double]
    let l2: Double
    var margins: [Double]

    init(matrix: SparseRows, rows: [Int], labels: [Double], l2: Double) {
        self.matrix = matrix
        self.rows = rows
        self.labels = labels
        self.l2 = l2
        margins = [Double](repeating: 0, count: rows.count)
    }

    /// The loss at `w` (weights, then the intercept last), its gradient written to `gradient`.
    mutating func evaluate(_ w: [Double], gradient: inout [Double]) -> Double {
        let n = Double(max(1, rows.count))
        let biasIndex = w.count - 1
        var loss = 0.0
        var squares = 0.0
        for i in 0..<biasIndex {
            gradient[i] = l2 * w[i]
            squares += w[i] * w[i]
        }
        gradient[biasIndex] = 0
        matrix.columns.withUnsafeBufferPointer { columns in
            matrix.values.withUnsafeBufferPointer { values in
                for (k, row) in rows.enumerated() {
                    var z = w[biasIndex]
                    for e in matrix.offsets[row]..<matrix.offsets[row + 1] { z += values[e] * w[Int(columns[e])] }
                    loss += PortableMath.softplus(z) - labels[k] * z
                    let residual = (PortableMath.sigmoid(z) - labels[k]) / n
                    gradient[biasIndex] += residual
                    for e in matrix.offsets[row]..<matrix.offsets[row + 1] { gradient[Int(columns[e])] += residual * values[e] }
                }
            }
        }
        return loss / n + 0.5 * l2 * squares
    }
}

/// The last few steps and gradient changes, and the two-loop recursion that turns a gradient into a direction.
private struct LBFGSHistory {
    let memory: Int
    var steps: [[Double]] = []
    var changes: [[Double]] = []
    var curvatures: [Double] = []

    init(memory: Int) {
        self.memory = memory
    }

    mutating func reset() {
        steps.removeAll()
        changes.removeAll()
        curvatures.removeAll()
    }

    /// Keeps a pair when it has positive curvature (so the implied Hessian stays positive definite).
    mutating func add(step: [Double], change: [Double]) {
        let curvature = LogisticRegression.dot(step, change)
        guard curvature > 1e-12 else { return }
        if steps.count == memory {
            steps.removeFirst()
            changes.removeFirst()
            curvatures.removeFirst()
        }
        steps.append(step)
        changes.append(change)
        curvatures.append(curvature)
    }

    /// −H·gradient for the inverse-Hessian estimate H.
    func direction(_ gradient: [Double]) -> [Double] {
        var q = gradient
        var alphas = [Double](repeating: 0, count: steps.count)
        for k in stride(from: steps.count - 1, through: 0, by: -1) {
            alphas[k] = LogisticRegression.dot(steps[k], q) / curvatures[k]
            for i in q.indices { q[i] -= alphas[k] * changes[k][i] }
        }
        if let last = changes.last {
            let gamma = curvatures[curvatures.count - 1] / LogisticRegression.dot(last, last)
            for i in q.indices { q[i] *= gamma }
        }
        for k in steps.indices {
            let beta = LogisticRegression.dot(changes[k], q) / curvatures[k]
            for i in q.indices { q[i] += (alphas[k] - beta) * steps[k][i] }
        }
        return q.map { -$0 }
    }
}
