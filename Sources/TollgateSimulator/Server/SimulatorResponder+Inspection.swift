import Hummingbird
import TollgateProviders

extension SimulatorResponder {
    /// `GET /_sim/requests[?request_id=ID]`: the received requests, oldest first, as `{"requests":[...]}`.
    func listRequests(_ request: Request) -> SimulatorReply {
        let filter = request.uri.queryParameters.get("request_id")
        let records = state.log.records(requestID: filter)
        var out = "{\"requests\":["
        for (index, record) in records.enumerated() {
            if index > 0 { out += "," }
            out += record.json
        }
        out += "]}"
        return Self.json(.ok, out)
    }
}
