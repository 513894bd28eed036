import TollgateProviders

extension SimulationWire {
    /// An offered tool; only its name is read.
    ///
    /// OpenAI Chat: `{"type":"function","function":{"name":...}}`; Anthropic and the Responses API:
    /// `{"name":...}` at the top level. Any other shape is tolerated and has no name.
    struct Tool: Decodable {
        private struct Function: Decodable {
            var name: String?
        }

        private enum CodingKeys: String, CodingKey {
            case name
            case function
        }

        /// The tool's name, if the entry has one.
        var name: String?

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let function = try? container.decodeIfPresent(Function.self, forKey: .function)
            let topLevel = try? container.decodeIfPresent(String.self, forKey: .name)
            name = (function?.name ?? topLevel).flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    /// `tool_choice`: a mode string (`none`, `auto`, `required`) or an object naming a mode or a tool.
    ///
    /// OpenAI Chat: `{"type":"function","function":{"name":...}}`; the Responses API:
    /// `{"type":"function","name":...}`; Anthropic: `{"type":"auto"|"any"|"tool"|"none","name":...}`.
    struct ToolChoice: Decodable {
        private struct Function: Decodable {
            var name: String?
        }

        private enum CodingKeys: String, CodingKey {
            case type
            case name
            case function
        }

        /// The mode (`none`, `auto`, `required`, `any`, `tool`, `function`, ...).
        var mode: String?
        /// The tool the choice forces, if it names one.
        var name: String?

        init(from decoder: any Decoder) throws {
            if let mode = try? decoder.singleValueContainer().decode(String.self) {
                self.mode = mode
                return
            }
            let container = try decoder.container(keyedBy: CodingKeys.self)
            mode = try? container.decodeIfPresent(String.self, forKey: .type)
            let function = try? container.decodeIfPresent(Function.self, forKey: .function)
            let topLevel = try? container.decodeIfPresent(String.self, forKey: .name)
            name = (function?.name ?? topLevel).flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    /// The tool a request is answered with a call to: `nil` without tools or with `tool_choice` `"none"`;
    /// otherwise the tool `tool_choice` names, else the first offered tool that has a name.
    static func toolToCall(tools: [Tool]?, choice: ToolChoice?) -> String? {
        guard let tools, !tools.isEmpty else { return nil }
        if choice?.mode == "none" { return nil }
        return choice?.name ?? tools.lazy.compactMap(\.name).first
    }
}
