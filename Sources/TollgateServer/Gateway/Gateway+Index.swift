import Foundation
import Hummingbird
import NIOCore

/// `GET /`: where to go from the gateway's root: the API base URLs, metrics and the documentation.
enum GatewayIndex {
    /// One pointer on the index.
    struct Link: Sendable {
        var name: String
        var href: String
        var about: String
        /// Whether `href` answers a plain GET (a page); base URLs and paths are shown, not linked.
        var page = false
    }

    /// The index's links, with absolute URLs under `base` (e.g. `http://127.0.0.1:8080`).
    static func links(base: String) -> [Link] {
        [
            Link(name: "openai_base_url", href: base + "/v1", about: "OpenAI SDKs: base_url (chat/completions, embeddings, responses, models)"),
            Link(name: "anthropic_base_url", href: base, about: "Anthropic SDKs: base_url (/v1/messages)"),
            Link(name: "metrics", href: base + "/metrics", about: "Prometheus metrics", page: true),
            Link(name: "health", href: base + "/healthz", about: "Liveness", page: true),
            Link(
                name: "docs", href: "docs/", about: "Documentation: docs/ in the Tollgate source tree (api.md, governance.md, reports.md, metrics.md)"
            ),
        ]
    }

    /// The index as HTML when the client accepts it, JSON otherwise.
    static func response(for request: Request) -> Response {
        let host = request.head.authority ?? "127.0.0.1"
        let links = links(base: "http://" + host)
        let accept = request.headers[.accept] ?? ""
        if accept.contains("text/html") {
            return Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html(links))))
        }
        var document: [String: Any] = ["service": "tollgate", "about": "AI FinOps gateway and cost ledger"]
        document["links"] = Dictionary(uniqueKeysWithValues: links.map { ($0.name, $0.href) })
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func html(_ links: [Link]) -> String {
        let items = links.map { link in
            let target = link.page ? "<a href=\"\(escape(link.href))\">\(escape(link.href))</a>" : "<code>\(escape(link.href))</code>"
            return "<li>\(target) — \(escape(link.about))</li>"
        }.joined(separator: "\n")
        return """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>Tollgate</title></head>
            <body><h1>Tollgate</h1><p>AI FinOps gateway and cost ledger.</p>
            <ul>
            \(items)
            </ul></body></html>

            """
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
