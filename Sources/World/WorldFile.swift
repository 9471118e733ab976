import CallEngine
import Foundation
import GraphModel
import Yams

/// The world file: the far end described in YAML (or JSON, which YAML reads too), as
/// `switchboard serve --world FILE` loads it and `switchboard world check FILE` checks it.
/// `switchboard world print` writes the built-in world in this form (``builtInDocument``).
public enum WorldFile {
    /// One thing wrong with a world file, and where.
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// 1-based; nil when the problem is the file as a whole.
        public var line: Int?
        public var message: String

        public var description: String { line.map { "line \($0): \(message)" } ?? message }
    }

    /// Everything wrong with a world file (it is never partly loaded).
    public struct Problems: Error, Sendable, CustomStringConvertible {
        public var problems: [Problem]
        public var description: String { problems.map(\.description).joined(separator: "\n") }
    }

    /// The permissions a world application may be granted.
    public static let knownPermissions = World.allCallPermissions

    /// Reads a world file. `directory` anchors relative media file paths.
    public static func load(_ text: String, directory: String? = nil) throws(Problems) -> World {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw Problems(problems: [Problem(line: line(of: error), message: "not YAML or JSON: \(summary(of: error))")])
        } catch {
            throw Problems(problems: [Problem(line: nil, message: "not YAML or JSON: \(error)")])
        }
        guard let root else { throw Problems(problems: [Problem(line: 1, message: "the file is empty")]) }
        var reader = Reader(directory: directory)
        let world = reader.world(root)
        guard reader.problems.isEmpty else {
            // In file order, as an editor shows them.
            let sorted = reader.problems.enumerated().sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }
            throw Problems(problems: sorted.map(\.element))
        }
        return world
    }

    /// Reads a world file from disk.
    public static func load(path: String) throws(Problems) -> World {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw Problems(problems: [Problem(line: nil, message: "cannot read '\(path)' as UTF-8 text")])
        }
        return try load(text, directory: (path as NSString).deletingLastPathComponent)
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: nil
        }
    }

    private static func summary(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
        default: "\(error)"
        }
    }
}

/// Walks the YAML tree into a ``World``, collecting every problem with its line.
private struct Reader {
    let directory: String?
    var problems: [WorldFile.Problem] = []
    /// The world's ring time, for behaviours that answer without saying how fast.
    var ringTime: Duration = .seconds(1)

    init(directory: String?) {
        self.directory = directory
    }

    mutating func problem(_ node: Node?, _ message: String) {
        problems.append(WorldFile.Problem(line: node?.mark?.line, message: message))
    }

    // MARK: Shapes

    /// The mapping's entries by key; unknown keys are problems (a typo should not pass).
    mutating func fields(_ node: Node, _ what: String, allowed: [String]) -> [String: Node]? {
        guard let mapping = node.mapping else {
            problem(node, "\(what) must be a mapping (key: value)")
            return nil
        }
        var fields: [String: Node] = [:]
        for (key, value) in mapping {
            let name = key.scalar?.string ?? ""
            if !allowed.contains(name) {
                problem(key, "\(what) has no '\(name)'; it takes \(allowed.joined(separator: ", "))")
            } else if fields[name] != nil {
                problem(key, "'\(name)' is given twice")
            } else {
                fields[name] = value
            }
        }
        return fields
    }

    mutating func list(_ node: Node?, _ what: String) -> [Node] {
        guard let node else { return [] }
        guard let sequence = node.sequence else {
            problem(node, "\(what) must be a list")
            return []
        }
        return Array(sequence)
    }

    /// A scalar's text as written (ids and numbers such as `+12065550101` stay text).
    mutating func text(_ node: Node?, _ what: String, required: Bool = true) -> String? {
        guard let node else {
            if required { problems.append(WorldFile.Problem(line: nil, message: "\(what) is required")) }
            return nil
        }
        guard let scalar = node.scalar, !scalar.string.isEmpty else {
            problem(node, "\(what) must be a non-empty string")
            return nil
        }
        return scalar.string
    }

    mutating func required(_ fields: [String: Node], _ key: String, in what: String, at node: Node) -> String? {
        guard fields[key] != nil else {
            problem(node, "\(what) needs '\(key)'")
            return nil
        }
        return text(fields[key], "\(what).\(key)")
    }

    mutating func number(_ node: Node?, _ what: String, range: ClosedRange<Double>) -> Double? {
        guard let node else { return nil }
        guard let value = node.scalar.flatMap({ Double($0.string) }), range.contains(value) else {
            problem(node, "\(what) must be a number from \(Int(range.lowerBound)) to \(Int(range.upperBound))")
            return nil
        }
        return value
    }

    mutating func strings(_ node: Node?, _ what: String) -> [String] {
        list(node, what).compactMap { text($0, "an entry of \(what)") }
    }

    // MARK: The world

    static let topLevel = ["ringTimeMs", "tenants", "applications", "applicationInstances", "users", "phoneNumbers", "meetings", "media", "faults"]

    mutating func world(_ root: Node) -> World {
        guard let fields = fields(root, "the world", allowed: Self.topLevel) else { return World() }
        let ringMs = number(fields["ringTimeMs"], "ringTimeMs", range: 0...600_000) ?? 1000
        ringTime = .milliseconds(Int64(ringMs))
        var world = World(defaultRingTime: ringTime)
        world.tenants = list(fields["tenants"], "tenants").compactMap { tenant($0) }
        world.applications = list(fields["applications"], "applications").compactMap { application($0) }
        world.applicationInstances = list(fields["applicationInstances"], "applicationInstances").compactMap { instance($0) }
        world.users = list(fields["users"], "users").compactMap { user($0) }
        world.phoneNumbers = list(fields["phoneNumbers"], "phoneNumbers").compactMap { phoneNumber($0) }
        world.meetings = list(fields["meetings"], "meetings").compactMap { meeting($0) }
        world.media = list(fields["media"], "media").compactMap { media($0) }
        if let node = fields["faults"] { world.faults = faults(node) }
        check(world, root)
        return world
    }

    mutating func tenant(_ node: Node) -> WorldTenant? {
        guard let fields = fields(node, "a tenant", allowed: ["id", "name", "allowRemoveParticipantApps"]),
              let id = required(fields, "id", in: "a tenant", at: node) else { return nil }
        let allowed = fields["allowRemoveParticipantApps"].map { strings($0, "allowRemoveParticipantApps") }
        return WorldTenant(id: id, displayName: text(fields["name"], "name", required: false) ?? id, allowRemoveParticipantAppIds: allowed)
    }

    mutating func application(_ node: Node) -> WorldApplication? {
        guard let fields = fields(node, "an application", allowed: ["id", "name", "tenant", "secret", "permissions", "consentedTenants", "callingWebhook"]),
              let id = required(fields, "id", in: "an application", at: node),
              let tenant = required(fields, "tenant", in: "application \(id)", at: node),
              let secret = required(fields, "secret", in: "application \(id)", at: node) else { return nil }
        let permissions = strings(fields["permissions"], "permissions")
        for (index, permission) in permissions.enumerated() where !WorldFile.knownPermissions.contains(permission) {
            problem(fields["permissions"]?.sequence?[index], "unknown permission '\(permission)'; one of \(WorldFile.knownPermissions.joined(separator: ", "))")
        }
        let webhook = text(fields["callingWebhook"], "callingWebhook", required: false)
        if let webhook, !(webhook.hasPrefix("https://") || webhook.hasPrefix("http://")) {
            problem(fields["callingWebhook"], "callingWebhook must be an http(s) URL")
        }
        return WorldApplication(
            id: id, tenantId: tenant, displayName: text(fields["name"], "name", required: false) ?? id,
            clientSecret: secret, permissions: permissions, callingWebhook: webhook,
            consentedTenants: strings(fields["consentedTenants"], "consentedTenants")
        )
    }

    mutating func instance(_ node: Node) -> WorldApplicationInstance? {
        guard let fields = fields(node, "an application instance", allowed: ["id", "application", "tenant", "name", "phone"]),
              let id = required(fields, "id", in: "an application instance", at: node),
              let application = required(fields, "application", in: "application instance \(id)", at: node) else { return nil }
        let phone = text(fields["phone"], "phone", required: false)
        if let phone { checkE164(phone, fields["phone"]) }
        return WorldApplicationInstance(
            id: id, applicationId: application, tenantId: text(fields["tenant"], "tenant", required: false) ?? "",
            displayName: text(fields["name"], "name", required: false) ?? id, phoneNumber: phone
        )
    }

    mutating func user(_ node: Node) -> WorldUser? {
        guard let fields = fields(node, "a user", allowed: ["id", "name", "tenant", "behaviour"]),
              let id = required(fields, "id", in: "a user", at: node),
              let tenant = required(fields, "tenant", in: "user \(id)", at: node) else { return nil }
        return WorldUser(id: id, tenantId: tenant, displayName: text(fields["name"], "name", required: false) ?? id,
                         behaviour: fields["behaviour"].flatMap { behaviour($0) })
    }

    mutating func phoneNumber(_ node: Node) -> WorldPhoneNumber? {
        guard let fields = fields(node, "a phone number", allowed: ["number", "behaviour"]),
              let number = required(fields, "number", in: "a phone number", at: node) else { return nil }
        checkE164(number, fields["number"])
        return WorldPhoneNumber(number: number, behaviour: fields["behaviour"].flatMap { behaviour($0) })
    }

    mutating func checkE164(_ number: String, _ node: Node?) {
        if !(number.hasPrefix("+") && number.count >= 3 && number.count <= 16 && number.dropFirst().allSatisfy(\.isNumber)) {
            problem(node, "'\(number)' is not an E.164 number such as \"+12065550100\" (quote it: YAML reads +1… as a number)")
        }
    }

    static let behaviourKinds = ["answer", "decline", "manual", "busy", "noAnswer", "unreachable"]

    /// `busy`, or `{kind: answer, ringMs: 2000, then: [...]}`.
    mutating func behaviour(_ node: Node) -> FarEndBehaviour? {
        var kind = "answer"
        var ringMs: Double?
        var then: [FarEndEvent] = []
        if let scalar = node.scalar {
            kind = scalar.string
        } else if let fields = fields(node, "a behaviour", allowed: ["kind", "ringMs", "then"]) {
            kind = text(fields["kind"], "kind", required: false) ?? "answer"
            ringMs = number(fields["ringMs"], "ringMs", range: 0...600_000)
            then = list(fields["then"], "then").compactMap { event($0) }
            if !then.isEmpty, kind != "answer", kind != "manual" {
                problem(fields["then"], "only answer and manual behaviours have a 'then' timeline")
            }
            if ringMs != nil, kind != "answer", kind != "decline" {
                problem(fields["ringMs"], "only answer and decline behaviours ring for ringMs")
            }
        } else {
            return nil
        }
        let ring = ringMs.map { Duration.milliseconds(Int64($0)) }
        switch kind {
        case "answer":
            // Plain `answer` follows the world's ring time (and --ring-time); ringMs or a
            // timeline fixes it here.
            if ring == nil, then.isEmpty { return nil }
            return .answer(ringFor: ring ?? ringTime, then: then)
        case "decline": return .decline(ringFor: ring ?? .seconds(1))
        case "manual": return .manual(then: then)
        case "busy": return .busy
        case "noAnswer": return .noAnswer
        case "unreachable": return .unreachable
        default:
            problem(node, "unknown behaviour '\(kind)'; one of \(Self.behaviourKinds.joined(separator: ", "))")
            return nil
        }
    }

    static let actions = ["hangUp", "leaveMeeting", "pressKeys", "startSharing", "updateSharing", "stopSharing", "mute", "unmute"]

    /// `{afterSeconds: 10, action: pressKeys, keys: "1234#"}`.
    mutating func event(_ node: Node) -> FarEndEvent? {
        guard let fields = fields(node, "a timeline event", allowed: ["afterSeconds", "action", "keys"]) else { return nil }
        guard fields["afterSeconds"] != nil else {
            problem(node, "a timeline event needs 'afterSeconds'")
            return nil
        }
        guard let after = number(fields["afterSeconds"], "afterSeconds", range: 0...31_622_400),
              let name = required(fields, "action", in: "a timeline event", at: node) else { return nil }
        let action: FarEndEvent.Action
        switch name {
        case "hangUp", "leaveMeeting": action = .hangUp
        case "startSharing": action = .startSharing
        case "updateSharing": action = .updateSharing
        case "stopSharing": action = .stopSharing
        case "mute": action = .mute
        case "unmute": action = .unmute
        case "pressKeys":
            guard let keys = text(fields["keys"], "keys", required: false) else {
                problem(node, "pressKeys needs 'keys', such as \"1234#\"")
                return nil
            }
            var tones: [Tone] = []
            for key in keys {
                guard let tone = Tone(key: String(key)) else {
                    problem(fields["keys"], "'\(key)' is not a DTMF key (0-9, *, #, A-D)")
                    return nil
                }
                tones.append(tone)
            }
            action = .pressKeys(tones)
        default:
            problem(fields["action"], "unknown action '\(name)'; one of \(Self.actions.joined(separator: ", "))")
            return nil
        }
        if fields["keys"] != nil, name != "pressKeys" { problem(fields["keys"], "only pressKeys takes 'keys'") }
        return FarEndEvent(after: .milliseconds(Int64(after * 1000)), action)
    }

    /// `faults: {seed, notifications: [{kind, rate, callId, count, delayMs}], api: [{kind, rate,
    /// path, method, count, retryAfterSeconds, latencyMs}], legacyIncomingNotification}`.
    mutating func faults(_ node: Node) -> FaultPlan {
        guard let fields = fields(node, "faults", allowed: ["seed", "notifications", "api", "legacyIncomingNotification"]) else { return FaultPlan() }
        var plan = FaultPlan()
        plan.seed = number(fields["seed"], "faults.seed", range: 0...9_007_199_254_740_991).map { UInt64($0) }
        if let flag = fields["legacyIncomingNotification"] {
            if let value = flag.bool { plan.legacyIncomingNotification = value } else { problem(flag, "faults.legacyIncomingNotification must be true or false") }
        }
        for rule in list(fields["notifications"], "faults.notifications") {
            guard let (entry, kind) = faultRule(rule, "a notification fault", FaultPlan.NotificationFault.Kind.self,
                                                allowed: ["rate", "callId", "count", "delayMs"]) else { continue }
            plan.notifications.append(FaultPlan.NotificationFault(
                kind: kind, rate: number(entry["rate"], "rate", range: 0...1) ?? 1, callId: text(entry["callId"], "callId", required: false),
                count: number(entry["count"], "count", range: 0...1_000_000).map { Int($0) },
                delayMs: number(entry["delayMs"], "delayMs", range: 0...600_000).map { Int($0) } ?? 2000
            ))
        }
        for rule in list(fields["api"], "faults.api") {
            guard let (entry, kind) = faultRule(rule, "an api fault", FaultPlan.APIFault.Kind.self,
                                                allowed: ["rate", "path", "method", "count", "retryAfterSeconds", "latencyMs"]) else { continue }
            plan.api.append(FaultPlan.APIFault(
                kind: kind, rate: number(entry["rate"], "rate", range: 0...1) ?? 1, path: text(entry["path"], "path", required: false),
                method: text(entry["method"], "method", required: false), count: number(entry["count"], "count", range: 0...1_000_000).map { Int($0) },
                retryAfterSeconds: number(entry["retryAfterSeconds"], "retryAfterSeconds", range: 0...86_400).map { Int($0) } ?? 1,
                latencyMs: number(entry["latencyMs"], "latencyMs", range: 0...60_000).map { Int($0) } ?? 1000
            ))
        }
        return plan
    }

    /// A fault rule's fields and its `kind`, one of `Kind`'s cases.
    mutating func faultRule<Kind: RawRepresentable & CaseIterable>(
        _ node: Node, _ what: String, _ kinds: Kind.Type, allowed: [String]
    ) -> ([String: Node], Kind)? where Kind.RawValue == String {
        guard let entry = fields(node, what, allowed: ["kind"] + allowed), let text = required(entry, "kind", in: what, at: node) else { return nil }
        guard let kind = Kind(rawValue: text) else {
            problem(entry["kind"], "\(what)'s kind must be one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return (entry, kind)
    }

    mutating func meeting(_ node: Node) -> WorldMeeting? {
        guard let fields = fields(node, "a meeting", allowed: ["id", "threadId", "organizer", "tenant", "joinMeetingId", "passcode", "joinToken", "attendees"]),
              let threadId = required(fields, "threadId", in: "a meeting", at: node),
              let organizer = required(fields, "organizer", in: "meeting \(threadId)", at: node),
              let tenant = required(fields, "tenant", in: "meeting \(threadId)", at: node) else { return nil }
        var meeting = WorldMeeting(
            threadId: threadId, organizerId: organizer, tenantId: tenant,
            joinMeetingId: text(fields["joinMeetingId"], "joinMeetingId", required: false),
            passcode: text(fields["passcode"], "passcode", required: false),
            token: text(fields["joinToken"], "joinToken", required: false)
        )
        meeting.id = text(fields["id"], "id", required: false) ?? threadId
        for entry in list(fields["attendees"], "attendees") {
            guard let attendee = self.fields(entry, "an attendee", allowed: ["user", "shares", "joinsAfterSeconds", "then"]),
                  let userId = required(attendee, "user", in: "an attendee", at: entry) else { continue }
            meeting.attendees.append(userId)
            if let shares = attendee["shares"] {
                guard let flag = shares.bool else {
                    problem(shares, "shares must be true or false")
                    continue
                }
                if flag {
                    if meeting.sharerId != nil { problem(shares, "only one attendee shares when a bot joins") }
                    meeting.sharerId = userId
                }
            }
            let timeline = list(attendee["then"], "then").compactMap { event($0) }
            if !timeline.isEmpty { meeting.timelines[userId] = timeline }
            if let seconds = number(attendee["joinsAfterSeconds"], "joinsAfterSeconds", range: 0...31_622_400) {
                if attendee["shares"]?.bool == true { problem(attendee["shares"], "an attendee who joins later cannot share from the start") }
                meeting.joinsAfter[userId] = .milliseconds(Int64(seconds * 1000))
            }
        }
        return meeting
    }

    mutating func media(_ node: Node) -> WorldMedia? {
        guard let fields = fields(node, "a media entry", allowed: ["uri", "file"]),
              let uri = required(fields, "uri", in: "a media entry", at: node),
              let file = required(fields, "file", in: "media \(uri)", at: node) else { return nil }
        let path = file.hasPrefix("/") || directory == nil ? file : (directory! as NSString).appendingPathComponent(file)
        if !FileManager.default.fileExists(atPath: path) { problem(fields["file"], "no file at '\(path)'") }
        return WorldMedia(uri: uri, file: path)
    }

    // MARK: References between entries

    mutating func check(_ world: World, _ root: Node) {
        let fields = root.mapping
        func entries(_ key: String) -> [Node] { fields?[key]?.sequence.map(Array.init) ?? [] }
        func duplicates(_ ids: [String], _ key: String) {
            var seen = Set<String>()
            for (index, id) in ids.enumerated() where !seen.insert(id.lowercased()).inserted {
                problem(entries(key)[safe: index], "\(key): '\(id)' is listed twice")
            }
        }
        duplicates(world.tenants.map(\.id), "tenants")
        duplicates(world.applications.map(\.id), "applications")
        duplicates(world.applicationInstances.map(\.id), "applicationInstances")
        duplicates(world.users.map(\.id), "users")
        duplicates(world.phoneNumbers.map { $0.number.filter(\.isNumber) }, "phoneNumbers")
        duplicates(world.meetings.map(\.id), "meetings")
        for (index, application) in world.applications.enumerated() where world.tenant(id: application.tenantId) == nil {
            problem(entries("applications")[safe: index], "application \(application.id): no tenant '\(application.tenantId)'")
        }
        for (index, application) in world.applications.enumerated() {
            for tenant in application.consentedTenants where world.tenant(id: tenant) == nil {
                problem(entries("applications")[safe: index], "application \(application.id): consentedTenants names no tenant '\(tenant)'")
            }
        }
        for (index, instance) in world.applicationInstances.enumerated() where world.application(id: instance.applicationId) == nil {
            problem(entries("applicationInstances")[safe: index], "application instance \(instance.id): no application '\(instance.applicationId)'")
        }
        for (index, user) in world.users.enumerated() where world.tenant(id: user.tenantId) == nil {
            problem(entries("users")[safe: index], "user \(user.id): no tenant '\(user.tenantId)'")
        }
        for (index, meeting) in world.meetings.enumerated() {
            let node = entries("meetings")[safe: index]
            if world.tenant(id: meeting.tenantId) == nil { problem(node, "meeting \(meeting.id): no tenant '\(meeting.tenantId)'") }
            if world.user(id: meeting.organizerId) == nil { problem(node, "meeting \(meeting.id): the organizer '\(meeting.organizerId)' is no user") }
            for attendee in meeting.attendees where world.user(id: attendee) == nil {
                problem(node, "meeting \(meeting.id): attendee '\(attendee)' is no user")
            }
        }
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
