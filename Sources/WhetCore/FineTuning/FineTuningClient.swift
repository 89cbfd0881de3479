import Foundation

/// A fine-tuning job as the API reports it.
public struct FineTuningJob: Sendable, Equatable, Codable {
    public var id: String
    /// validating_files, queued, running, succeeded, failed or cancelled.
    public var status: String
    public var model: String
    /// The new model's name once the job has succeeded.
    public var fineTunedModel: String?
    public var trainedTokens: Int?
    public var error: String?

    /// Whether the job will change no further.
    public var isFinished: Bool { ["succeeded", "failed", "cancelled"].contains(status) }

    enum CodingKeys: String, CodingKey {
        case id, status, model, error
        case fineTunedModel = "fine_tuned_model"
        case trainedTokens = "trained_tokens"
    }
}

/// One line of a job's event log.
public struct FineTuningEvent: Sendable, Equatable {
    public var createdAt: Int
    public var level: String
    public var message: String
}

/// Talks to an OpenAI-compatible fine-tuning API: upload a file (`POST /files`, purpose `fine-tune`), create a
/// job (`POST /fine_tuning/jobs`), read it and its events. The backend's base URL, key and headers are used,
/// as for chat.
public struct FineTuningClient: Sendable {
    let config: BackendConfig
    let key: String

    /// A client for `config`; fails when the backend is not OpenAI-compatible or has no key.
    public init(config: BackendConfig, workspaceRoot: URL?) throws {
        guard config.kind == .openai else {
            throw BackendError.configuration(
                backend: config.name,
                message:
                    "fine-tuning jobs need an OpenAI-compatible backend (kind = \"openai\"); this one is \(config.kind.rawValue)"
            )
        }
        self.config = config
        self.key = try APIKey.resolve(config, workspaceRoot: workspaceRoot)
    }

    /// Uploads `data` as `filename` for fine-tuning and returns the file id.
    public func upload(_ data: Data, filename: String) async throws -> String {
        let boundary = "whet-\(UUID().uuidString)"
        var body = Data()
        func part(_ header: String, _ content: Data) {
            body.append(Data("--\(boundary)\r\n\(header)\r\n\r\n".utf8))
            body.append(content)
            body.append(Data("\r\n".utf8))
        }
        part("Content-Disposition: form-data; name=\"purpose\"", Data("fine-tune".utf8))
        let safeName = filename.replacingOccurrences(of: "\"", with: "_")
        part(
            "Content-Disposition: form-data; name=\"file\"; filename=\"\(safeName)\"\r\nContent-Type: application/jsonl",
            data)
        body.append(Data("--\(boundary)--\r\n".utf8))
        let object = try await send(
            .POST, "files", body: body, contentType: "multipart/form-data; boundary=\(boundary)")
        guard let id = object["id"] as? String else { throw protocolError("files", "expected {\"id\": \"file-…\"}") }
        return id
    }

    /// Creates a job training `model` on the uploaded `trainingFile` (and `validationFile`).
    public func createJob(model: String, trainingFile: String, validationFile: String?, suffix: String?, epochs: Int?)
        async throws -> FineTuningJob
    {
        var request: [String: Any] = ["model": model, "training_file": trainingFile]
        if let validationFile { request["validation_file"] = validationFile }
        if let suffix { request["suffix"] = suffix }
        if let epochs { request["hyperparameters"] = ["n_epochs": epochs] }
        return try job(
            from: try await send(
                .POST, "fine_tuning/jobs", body: try WireJSON.encode(request), contentType: "application/json"),
            path: "fine_tuning/jobs")
    }

    /// The job's current state.
    public func job(_ id: String) async throws -> FineTuningJob {
        try job(from: try await send(.GET, "fine_tuning/jobs/\(id)"), path: "fine_tuning/jobs/\(id)")
    }

    /// The job's events, oldest first (the API lists newest first).
    public func events(_ id: String, limit: Int = 50) async throws -> [FineTuningEvent] {
        let object = try await send(.GET, "fine_tuning/jobs/\(id)/events?limit=\(limit)")
        guard let list = object["data"] as? [[String: Any]] else {
            throw protocolError("fine_tuning/jobs/\(id)/events", "expected {\"data\": [events]}")
        }
        return list.map {
            FineTuningEvent(
                createdAt: ($0["created_at"] as? Int) ?? 0, level: ($0["level"] as? String) ?? "info",
                message: ($0["message"] as? String) ?? "")
        }
        .sorted { $0.createdAt < $1.createdAt }
    }

    func job(from object: [String: Any], path: String) throws -> FineTuningJob {
        guard let id = object["id"] as? String, let status = object["status"] as? String else {
            throw protocolError(path, "expected a job with \"id\" and \"status\"")
        }
        var error: String? = nil
        if let detail = object["error"] as? [String: Any], let message = detail["message"] as? String {
            error = message
        }
        return FineTuningJob(
            id: id, status: status, model: (object["model"] as? String) ?? "",
            fineTunedModel: object["fine_tuned_model"] as? String, trainedTokens: object["trained_tokens"] as? Int,
            error: error)
    }

    func send(_ method: HTTPMethodName, _ path: String, body: Data? = nil, contentType: String? = nil) async throws
        -> [String: Any]
    {
        let url = joinURL(config.http.baseURL, path)
        var headers = [("Accept", "application/json")] + HTTPTransport.standardHeaders(config, key: key)
        if let contentType { headers.append(("Content-Type", contentType)) }
        let request = HTTPTransport.Request(
            method: method == .GET ? .GET : .POST, url: url, headers: headers, body: body)
        let data = try await HTTPTransport.fetch(request, config: config, key: key)
        guard let object = WireJSON.object(data) else { throw protocolError(path, "expected a JSON object") }
        return object
    }

    func protocolError(_ path: String, _ message: String) -> BackendError {
        .protocolError(backend: config.name, url: joinURL(config.http.baseURL, path), message: message)
    }

    /// GET or POST, without exposing NIO's type in the signature.
    enum HTTPMethodName { case GET, POST }
}
