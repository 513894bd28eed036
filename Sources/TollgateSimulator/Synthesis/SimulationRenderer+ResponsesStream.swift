public import TollgateCore
import TollgateProviders

extension SimulationRenderer {
    /// A Responses API event stream framed like OpenAI's: every event has its `event:` line and a `data:`
    /// object carrying the same `type` and a `sequence_number` counting from 0; there is no `[DONE]`.
    ///
    /// Head: `response.created`, `response.in_progress` (both with an `in_progress` response, no output,
    /// `usage: null`), `response.output_item.added`, `response.content_part.added`. Tokens: one
    /// `response.output_text.delta` per piece. Tail: `response.output_text.done`,
    /// `response.content_part.done`, `response.output_item.done`, then `response.completed` (or
    /// `response.incomplete` when capped) whose `response` carries the usage. The `stream_error` event is
    /// an `error` event numbered as if it followed the first half of the deltas
    /// (``SimulatedStream/cutTokenCount``).
    /// - Parameters:
    ///   - header: Ids and echoed request settings.
    ///   - completion: The synthesised answer.
    ///   - usage: The full usage, sent on the terminal event.
    public static func openAIResponseStream(
        _ header: SimulatedResponseHeader,
        completion: SimulatedCompletion,
        usage: TokenUsage
    ) -> SimulatedStream {
        var sequence = 0
        func event(_ type: String, _ fields: String) -> String {
            defer { sequence += 1 }
            return "event: \(type)\ndata: {\"type\":\"\(type)\",\"sequence_number\":\(sequence)," + fields + "}\n\n"
        }
        let status = completion.truncated ? "incomplete" : "completed"
        let started = openAIResponseObject(header, status: "in_progress", output: "[]", usage: "null")
        let location = "\"item_id\":\"\(header.messageID)\",\"output_index\":0,\"content_index\":0"
        let head = [
            event("response.created", "\"response\":" + started),
            event("response.in_progress", "\"response\":" + started),
            event(
                "response.output_item.added",
                "\"output_index\":0,\"item\":" + openAIResponseMessage(header, status: "in_progress", text: "")
            ),
            event("response.content_part.added", location + ",\"part\":" + openAIResponseTextPart("")),
        ]
        let tokens = completion.pieces.map {
            event("response.output_text.delta", location + ",\"delta\":" + JSONText.quote($0) + ",\"logprobs\":[]")
        }
        let text = completion.text
        let item = openAIResponseMessage(header, status: status, text: text)
        let finished = openAIResponseObject(header, status: status, output: "[" + item + "]", usage: openAIResponsesUsage(usage))
        let tail = [
            event("response.output_text.done", location + ",\"text\":" + JSONText.quote(text) + ",\"logprobs\":[]"),
            event("response.content_part.done", location + ",\"part\":" + openAIResponseTextPart(text)),
            event("response.output_item.done", "\"output_index\":0,\"item\":" + item),
            event(completion.truncated ? "response.incomplete" : "response.completed", "\"response\":" + finished),
        ]
        let errorSequence = head.count + SimulatedStream.cutTokenCount(tokens.count)
        let error =
            "event: error\ndata: {\"type\":\"error\",\"sequence_number\":\(errorSequence),\"code\":\"server_error\","
            + "\"message\":\"The server had an error while processing your request. (simulated stream error)\",\"param\":null}\n\n"
        return SimulatedStream(head: head, tokens: tokens, tail: tail, errorEvent: error)
    }
}
