import Foundation
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL database is, read from a libpq-style URL:
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?host=/socket/dir&sslmode=MODE]`
/// (`postgresql://` too). A host that is a directory (`?host=/run/pg`, or `%2Frun%2Fpg` in the
/// host part) means the Unix socket `DIR/.s.PGSQL.PORT`, as libpq reads it. The password
/// comes from the URL or, failing that, `PGPASSWORD`. `sslmode` is libpq's: `disable`;
/// `prefer` (the default) and `require` encrypt without checking the certificate;
/// `verify-ca` and `verify-full` check it.
public struct PostgresURL: Sendable, Hashable {
    public enum Endpoint: Sendable, Hashable {
        case tcp(host: String, port: Int)
        case socket(path: String)
    }

    public enum TLSMode: String, Sendable, Hashable {
        case disable, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var endpoint: Endpoint
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    /// Why a URL was refused, in words for the command line.
    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Reads `text`; `environment` supplies `PGPASSWORD` when the URL has no password.
    public init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "postgres" || scheme == "postgresql" else {
            throw Invalid(description: "a PostgreSQL URL starts postgres:// or postgresql:// (got \(Self.redacted(text)))")
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard let value = item.value else { throw Invalid(description: "the URL parameter \(item.name) has no value") }
            query[item.name] = value
        }
        for name in query.keys where !["host", "port", "sslmode", "user", "password", "dbname"].contains(name) {
            throw Invalid(description: "the URL parameter \(name) is not one Switchboard reads (host, port, sslmode, user, password, dbname)")
        }
        guard let username = query["user"] ?? components.user, !username.isEmpty else {
            throw Invalid(description: "the URL names no user (postgres://USER@HOST/DATABASE)")
        }
        let database = query["dbname"] ?? String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw Invalid(description: "the URL names no database (postgres://USER@HOST/DATABASE)")
        }
        let portText = query["port"] ?? components.port.map(String.init) ?? "5432"
        guard let port = Int(portText), (1...65_535).contains(port) else {
            throw Invalid(description: "the port \(portText) is not a TCP port")
        }
        let host = query["host"] ?? components.host?.removingPercentEncoding ?? ""
        if host.hasPrefix("/") {
            endpoint = .socket(path: host.hasSuffix(".s.PGSQL.\(port)") ? host : "\(host)/.s.PGSQL.\(port)")
        } else {
            guard !host.isEmpty else { throw Invalid(description: "the URL names no host (postgres://USER@HOST/DATABASE)") }
            endpoint = .tcp(host: host, port: port)
        }
        guard let tls = TLSMode(rawValue: query["sslmode"] ?? "prefer") else {
            throw Invalid(description: "sslmode \(query["sslmode"] ?? "") is not one of disable, prefer, require, verify-ca, verify-full")
        }
        self.username = username
        self.password = query["password"] ?? components.password ?? environment["PGPASSWORD"]
        self.database = database
        self.tls = tls
    }

    /// The TLS settings `sslmode` asks for; nil: no TLS.
    private var tlsConfiguration: (TLSConfiguration, required: Bool)? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch tls {
        case .disable: return nil
        case .prefer, .require: configuration.certificateVerification = .none
        case .verifyCA: configuration.certificateVerification = .noHostnameVerification
        case .verifyFull: break
        }
        return (configuration, tls != .prefer)
    }

    /// The pool's configuration (postgres-nio's `PostgresClient`).
    public func clientConfiguration() -> PostgresClient.Configuration {
        switch endpoint {
        case .socket(let path):
            return PostgresClient.Configuration(unixSocketPath: path, username: username, password: password, database: database)
        case .tcp(let host, let port):
            let tls: PostgresClient.Configuration.TLS = switch tlsConfiguration {
            case nil: .disable
            case let (configuration, required)?: required ? .require(configuration) : .prefer(configuration)
            }
            return PostgresClient.Configuration(host: host, port: port, username: username, password: password, database: database, tls: tls)
        }
    }

    /// One connection's configuration (for a first connection that reports why it failed,
    /// where the pool would retry).
    public func connectionConfiguration() throws -> PostgresConnection.Configuration {
        switch endpoint {
        case .socket(let path):
            return PostgresConnection.Configuration(unixSocketPath: path, username: username, password: password, database: database)
        case .tcp(let host, let port):
            let tls: PostgresConnection.Configuration.TLS = switch tlsConfiguration {
            case nil: .disable
            case let (configuration, required)?:
                required ? .require(try NIOSSLContext(configuration: configuration)) : .prefer(try NIOSSLContext(configuration: configuration))
            }
            return PostgresConnection.Configuration(host: host, port: port, username: username, password: password, database: database, tls: tls)
        }
    }

    /// The URL without its password, for logs and the start-up banner.
    public var description: String {
        switch endpoint {
        case .tcp(let host, let port): "postgres://\(username)@\(host):\(port)/\(database)"
        case .socket(let path): "postgres://\(username)@localhost/\(database)?host=\(path)"
        }
    }

    private static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "***"
        return components.string ?? "(unreadable)"
    }
}
