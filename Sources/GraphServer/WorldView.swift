import CallEngine
import GraphModel
import World

/// The world as the inspector shows it (`GET /_switchboard/world`): who and what can be
/// called, and how each behaves. Never a client secret. (Meetings, with who is in them
/// now, are `GET /_switchboard/meetings`.)
struct WorldView: Encodable {
    struct Tenant: Encodable {
        var id: String
        var displayName: String
    }

    struct Application: Encodable {
        var id: String
        var displayName: String
        var tenantId: String
        var permissions: [String]
        var callingWebhook: String?
        var consentedTenants: [String]
    }

    struct User: Encodable {
        var id: String
        var displayName: String
        var tenantId: String
        var behaviour: String
    }

    struct Number: Encodable {
        var number: String
        var behaviour: String
    }

    struct Instance: Encodable {
        var id: String
        var displayName: String
        var applicationId: String
        var tenantId: String
        var phoneNumber: String?
    }

    var tenants: [Tenant]
    var applications: [Application]
    var applicationInstances: [Instance]
    var users: [User]
    var phoneNumbers: [Number]
    var magicNumbers: [Number]
    var defaultRingSeconds: Double

    init(_ world: World) {
        let ring = world.defaultRingTime
        tenants = world.tenants.map { Tenant(id: $0.id, displayName: $0.displayName) }
        applications = world.applications.map {
            Application(id: $0.id, displayName: $0.displayName, tenantId: $0.tenantId, permissions: $0.permissions,
                        callingWebhook: $0.callingWebhook, consentedTenants: $0.consentedTenants)
        }
        applicationInstances = world.applicationInstances.map {
            Instance(id: $0.id, displayName: $0.displayName, applicationId: $0.applicationId, tenantId: $0.tenantId, phoneNumber: $0.phoneNumber)
        }
        users = world.users.map {
            User(id: $0.id, displayName: $0.displayName, tenantId: $0.tenantId, behaviour: Self.describe($0.behaviour, defaultRing: ring))
        }
        phoneNumbers = world.phoneNumbers.map { Number(number: $0.number, behaviour: Self.describe($0.behaviour, defaultRing: ring)) }
        magicNumbers = World.magicNumbers.map { Number(number: $0.number, behaviour: Self.describe($0.behaviour, defaultRing: ring)) }
        defaultRingSeconds = Double(ring.milliseconds) / 1000
    }

    /// How a far end behaves, in a few words.
    static func describe(_ behaviour: FarEndBehaviour?, defaultRing: Duration) -> String {
        func seconds(_ duration: Duration) -> String { "\(Double(duration.milliseconds) / 1000) s" }
        func then(_ events: [FarEndEvent]) -> String {
            events.isEmpty ? "" : ", then " + events.map { "\($0.action.name) at \(seconds($0.after))" }.joined(separator: ", ")
        }
        switch behaviour {
        case nil: return "answers after \(seconds(defaultRing)) (the world's ring time)"
        case .answer(let ringFor, let events)?: return "answers after \(seconds(ringFor))" + then(events)
        case .noAnswer?: return "rings, never answers"
        case .noEndpoints?: return "has no endpoint to ring"
        case .unreachable?: return "unreachable"
        case .busy?: return "busy"
        case .decline(let ringFor)?: return "declines after \(seconds(ringFor))"
        case .manual(let events)?: return "rings until the control API answers" + then(events)
        }
    }
}
