import Foundation
import TollgateCore

/// What `tollgate demo` prints once the gateway listens: where things are, and commands that run as printed.
enum DemoBanner {
    /// How to start `tollgate` again from the current directory, as this process was started.
    struct Invocation: Equatable {
        /// The command prefix: `swift run tollgate`, `tollgate` or the binary's path.
        var prefix: String
        /// How to type plain `tollgate` instead, when the prefix is not that already.
        var pathHint: String?
    }

    /// Detects how the binary was started: from a package's `.build/<config>/` directory (→ `swift run tollgate`
    /// when the current directory is that package), from `PATH` (→ `tollgate`), or by path (→ that path).
    static func invocation(argument0: String, currentDirectory: String) -> Invocation {
        let cwd = URL(fileURLWithPath: currentDirectory).standardizedFileURL.resolvingSymlinksInPath().path
        let executable = URL(fileURLWithPath: argument0, relativeTo: URL(fileURLWithPath: cwd + "/"))
            .standardizedFileURL.resolvingSymlinksInPath().path
        if !argument0.contains("/") {
            return Invocation(prefix: "tollgate", pathHint: nil)
        }
        let components = executable.split(separator: "/", omittingEmptySubsequences: false)
        if let build = components.lastIndex(of: ".build") {
            let package = components[..<build].joined(separator: "/")
            if package == cwd, FileManager.default.fileExists(atPath: package + "/Package.swift") {
                return Invocation(
                    prefix: "swift run tollgate",
                    pathHint: "For a plain `tollgate`: swift build -c release && cp .build/release/tollgate /usr/local/bin/")
            }
        }
        return Invocation(
            prefix: shellQuoted(executable),
            pathHint: "For a plain `tollgate`: put \(shellQuoted((executable as NSString).deletingLastPathComponent)) on PATH")
    }

    /// `text` quoted for a POSIX shell when it needs quoting.
    static func shellQuoted(_ text: String) -> String {
        let plain = text.allSatisfy { $0.isLetter || $0.isNumber || "/._-+:=,@".contains($0) }
        return plain && !text.isEmpty ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The commands to try against a running demo (the README's demo section shows the same ones).
    static func commands(tollgate t: String, port: Int, dbPath: String, month: String) -> [String] {
        let db = shellQuoted(dbPath)
        let admin = "--url http://127.0.0.1:\(port) --admin-key \(DemoScenario.adminKey)"
        return [
            "\(t) ledger tail --db \(db)",
            "\(t) report spend --by workflow --db \(db)",
            "\(t) report showback --by team,workflow --db \(db)",
            "\(t) report unit --by workflow --db \(db)",
            "\(t) report kpi --db \(db)",
            "\(t) report savings --by workflow --db \(db)",
            "\(t) export focus --period \(month) --db \(db) --output focus-\(month).csv",
            "curl -s http://127.0.0.1:\(port)/metrics | grep -E '^tollgate_(requests|cost|budget|cache)' | head -20",
            "\(t) budgets \(admin)",
            "\(t) budgets --events \(admin)",
            "\(t) kill-switch set workflow marketing-drafting --reason \"demo\" \(admin)",
            "\(t) kill-switch clear workflow marketing-drafting \(admin)",
        ]
    }

    /// Calls with curl and with the official Python clients (OpenAI and Anthropic dialects).
    static func examples(port: Int) -> [String] {
        let base = "http://127.0.0.1:\(port)"
        let message = #"[{"role":"user","content":"Hello"}]"#
        return [
            "curl -s \(base)/v1/chat/completions -H 'Authorization: Bearer sk-demo-key' -H 'Content-Type: application/json' "
                + #"-d '{"model":"gpt-4o-mini","messages":\#(message)}'"#,
            "curl -s \(base)/v1/messages -H 'x-api-key: sk-demo-key' -H 'anthropic-version: 2023-06-01' -H 'Content-Type: application/json' "
                + #"-d '{"model":"claude-haiku-4-5","max_tokens":200,"messages":\#(message)}'"#,
            "pip install openai anthropic",
            #"python3 -c 'from openai import OpenAI; c = OpenAI(base_url="\#(base)/v1", api_key="sk-demo-key"); "#
                + #"print(c.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Hello"}]).usage)'"#,
            #"python3 -c 'from anthropic import Anthropic; c = Anthropic(base_url="\#(base)", api_key="sk-demo-key"); "#
                + #"print(c.messages.create(model="claude-haiku-4-5", max_tokens=200, messages=[{"role": "user", "content": "Hello"}]).usage)'"#,
        ]
    }

    static func text(invocation: Invocation, port: Int, simulatorPort: Int, configPath: String, dbPath: String, month: String) -> String {
        let indent = { (lines: [String]) in lines.map { "    " + $0 }.joined(separator: "\n") }
        let hint = invocation.pathHint.map { "\n(\($0).)" } ?? ""
        return """

            Tollgate demo is running.
              gateway     http://127.0.0.1:\(port)   (GET / lists the endpoints)
                          OpenAI base URL http://127.0.0.1:\(port)/v1, Anthropic base URL http://127.0.0.1:\(port)
              simulator   http://127.0.0.1:\(simulatorPort)   (the upstream: OpenAI and Anthropic dialects, no API key)
              metrics     http://127.0.0.1:\(port)/metrics
              config      \(configPath)
              ledger      \(dbPath)
            Live traffic: support-copilot, contract-extraction, sales-research-agent, knowledge-bot, marketing-drafting,
            with governance at work: budgets that alert, refuse (marketing-daily) and downgrade (gpt-4o-daily → gpt-4o-mini),
            a runaway research trace stopped at 25 calls, a rate-limited bulk burst, an unregistered batch job refused
            by policy, and personal data redacted from support prompts.

            Call it (the Python examples need `pip install openai anthropic`):
            \(indent(examples(port: port)))

            In another terminal, from this directory:
            \(indent(commands(tollgate: invocation.prefix, port: port, dbPath: dbPath, month: month)))
            \(hint)
            A status line follows every few seconds. Ctrl-C stops the demo; the ledger is kept.
            """
    }
}
