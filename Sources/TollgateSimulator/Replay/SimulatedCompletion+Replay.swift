import TollgateCore

extension SimulatedCompletion {
    /// A text answer that says `text` as recorded, streamed in pieces of about four UTF-8 bytes each.
    ///
    /// Pieces end on Unicode scalar boundaries (a piece is the shortest run of whole scalars of at
    /// least four bytes, the last one possibly shorter), so each is valid text on its own; joined they
    /// are `text` exactly. ``outputTokens`` is ``TokenEstimator/tokens(in:)`` of `text`, never truncated.
    /// - Parameter text: The recorded response.
    public init(recorded text: String) {
        var pieces: [String] = []
        pieces.reserveCapacity(text.utf8.count / 4 + 1)
        var piece = String.UnicodeScalarView()
        var bytes = 0
        for scalar in text.unicodeScalars {
            piece.append(scalar)
            bytes += UTF8.width(scalar)
            if bytes >= 4 {
                pieces.append(String(piece))
                piece = String.UnicodeScalarView()
                bytes = 0
            }
        }
        if !piece.isEmpty { pieces.append(String(piece)) }
        var hasher = FNV1a64()
        hasher.combine(text)
        self.pieces = pieces
        outputTokens = Int(TokenEstimator.tokens(in: text))
        reasoningTokens = 0
        truncated = false
        index = 0
        toolName = nil
        seed = hasher.value
    }
}
