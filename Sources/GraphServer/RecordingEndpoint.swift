import CallRuntime
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /_switchboard/recordings/{operationId}`: the `recordingLocation` of a
/// recordResponse operation. The bot sends `Authorization: Bearer <recordingAccessToken>`
/// and gets the recording as a WAV file (16 kHz, mono, 16-bit), as Graph serves it.
struct RecordingEndpoint {
    let services: SwitchboardServices

    func register(on router: Router<SwitchboardRequestContext>) {
        router.get("/_switchboard/recordings/:operationId") { request, context in
            let operationId = try context.parameters.require("operationId")
            guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
                throw GraphError(.unauthorized, code: "InvalidAuthenticationToken", message: "The recording needs its recordingAccessToken as a bearer token.")
            }
            let token = String(header.dropFirst("bearer ".count))
            guard let duration = services.runtime.recordings.recording(operationId: operationId, token: token) else {
                throw GraphError.notFound("No recording '\(operationId)' for this access token (recordings are kept for a short time).")
            }
            let wav = WAV.silence(duration)
            return Response(
                status: .ok, headers: [.contentType: "application/octet-stream"],
                body: .init(byteBuffer: ByteBuffer(bytes: wav))
            )
        }
    }
}
