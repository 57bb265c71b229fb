import Foundation
import HTTPTypes
import HeritageStore
import Hummingbird

/// An error answered as JSON `{"error": message}` with its status. Messages name what was
/// wrong, never a restricted position (the store never puts coordinates in messages).
struct APIError: Error, HTTPResponseError {
    var status: HTTPResponse.Status
    var message: String
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        let body = try JSONEncoder().encode(["error": message])
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// Turns the store's and the readers' errors into API errors with fitting statuses.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = HeritageRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HeritageStoreError {
            throw APIError(Self.status(of: error.code), error.description)
        } catch let error as DecodingError {
            throw APIError(.badRequest, "the JSON body is not what this route takes: \(Self.describe(error))")
        } catch let error as HTTPError {
            // Hummingbird's own refusals (a body it cannot decode, a route not found): answered
            // in this API's shape, `{"error": message}`, as every other error is.
            throw APIError(
                error.status, error.body ?? error.status.reasonPhrase, headers: error.headers)
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            // Anything else is a fault of the server: logged in full, answered without detail.
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            throw APIError(
                .internalServerError, "the server failed; the request id in X-Request-Id names it in the log")
        }
    }

    static func status(of code: HeritageStoreError.Code) -> HTTPResponse.Status {
        switch code {
        case .invalidInput, .importRejected: .badRequest
        case .notFound, .archiveMissing: .notFound
        case .conflict: .conflict
        // The archive fails its check: what was asked cannot be made from it as it stands.
        case .integrity: .conflict
        case .readOnly, .notPermitted: .forbidden
        default: .internalServerError
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "missing \(key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case .dataCorrupted(let context) where !context.codingPath.isEmpty:
            "bad value at \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        case .dataCorrupted: "not valid JSON"
        @unknown default: "not readable"
        }
    }
}
