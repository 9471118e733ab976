import CallEngine

/// The world every Switchboard starts with: each tenant, application, user, phone number,
/// application instance and meeting that the seed documents name. It is written as a world
/// file (``WorldFile/builtInDocument``), the one `switchboard world print` shows.
extension World {
    /// The tenant of the seeds' calling bot.
    public static let contosoTenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47"
    /// The seeds' calling bot ("Calling Bot").
    public static let callingBotAppId = "2891555a-92ff-42e6-80fa-6e1300c6b5c6"
    /// The built-in bot's client secret.
    public static let callingBotSecret = "switchboard-dev-secret"

    /// Every calls permission a bot can be granted (application permissions).
    public static let allCallPermissions = [
        "Calls.Initiate.All", "Calls.InitiateGroupCall.All", "Calls.JoinGroupCall.All",
        "Calls.JoinGroupCallAsGuest.All", "Calls.AccessMedia.All",
    ]

    private static let builtInWorld: World = {
        do {
            return try WorldFile.load(WorldFile.builtInDocument)
        } catch {
            fatalError("The built-in world file does not load: \(error)")
        }
    }()

    /// The built-in world; `defaultRingTime` replaces its ring time when given.
    public static func builtIn(defaultRingTime: Duration? = nil) -> World {
        var world = builtInWorld
        if let defaultRingTime { world.defaultRingTime = defaultRingTime }
        return world
    }
}

extension WorldFile {
    /// The built-in world as a world file: what `switchboard world print` writes, for users
    /// to copy and edit.
    public static let builtInDocument = #"""
    # Switchboard world file: the far end of every call.
    #
    # Run a server on it:   switchboard serve --world world.yaml
    # Check it:             switchboard world check world.yaml
    # This file is the built-in world (switchboard world print). YAML or JSON; ids are
    # compared case-insensitively; quote phone numbers ("+1…"), or YAML reads a number.
    # Unknown keys are errors, so a typo never passes unnoticed.

    # How long users and numbers ring before they answer when their behaviour does not say
    # (milliseconds; --ring-time SECONDS overrides it).
    ringTimeMs: 1000

    # Entra ID tenants. allowRemoveParticipantApps: the applications the tenant lets remove
    # participants from calls (Teams' AllowRemoveParticipantAppIds); leave it out to allow all.
    tenants:
      - id: 72f988bf-86f1-41af-91ab-2d7cd011db47
        name: Contoso
      - id: aa67bd4c-8475-432d-bd41-39f255720e0a
        name: Fabrikam
      - id: 86dc81db-c112-4228-9222-63f3esaa1edb
        name: Northwind
      - id: 49BFC225-8482-4AB8-94E7-76B48FDB9849
        name: Tailspin

    # Calling bots: client credentials (POST /{tenant}/oauth2/v2.0/token), granted application
    # permissions (Calls.Initiate.All, Calls.InitiateGroupCall.All, Calls.JoinGroupCall.All,
    # Calls.JoinGroupCallAsGuest.All, Calls.AccessMedia.All), the tenants besides its own that
    # consented to it (tokens are issued only for those), and callingWebhook: where its incoming calls are announced (Teams'
    # "Webhook (for calling)"; POST /_switchboard/incoming-calls may give another).
    applications:
      - id: 2891555a-92ff-42e6-80fa-6e1300c6b5c6
        name: Calling Bot
        tenant: 72f988bf-86f1-41af-91ab-2d7cd011db47
        secret: switchboard-dev-secret
        permissions: [Calls.Initiate.All, Calls.InitiateGroupCall.All, Calls.JoinGroupCall.All, Calls.JoinGroupCallAsGuest.All, Calls.AccessMedia.All]
        consentedTenants: [aa67bd4c-8475-432d-bd41-39f255720e0a, 86dc81db-c112-4228-9222-63f3esaa1edb, 49BFC225-8482-4AB8-94E7-76B48FDB9849]
        # callingWebhook: https://bot.example.com/api/calls
      - id: dd3885da-f9ab-486b-bfae-85de3d445555
        name: TestBot
        tenant: 72f988bf-86f1-41af-91ab-2d7cd011db47
        secret: switchboard-dev-secret
        permissions: [Calls.Initiate.All, Calls.InitiateGroupCall.All, Calls.JoinGroupCall.All, Calls.JoinGroupCallAsGuest.All, Calls.AccessMedia.All]
        consentedTenants: [aa67bd4c-8475-432d-bd41-39f255720e0a, 86dc81db-c112-4228-9222-63f3esaa1edb, 49BFC225-8482-4AB8-94E7-76B48FDB9849]
      - id: 8A34A46B-3D17-4ADC-8DCE-DC4E7D572698
        name: Test BOT
        tenant: 72f988bf-86f1-41af-91ab-2d7cd011db47
        secret: switchboard-dev-secret
        permissions: [Calls.Initiate.All, Calls.InitiateGroupCall.All, Calls.JoinGroupCall.All, Calls.JoinGroupCallAsGuest.All, Calls.AccessMedia.All]
        consentedTenants: [aa67bd4c-8475-432d-bd41-39f255720e0a, 86dc81db-c112-4228-9222-63f3esaa1edb, 49BFC225-8482-4AB8-94E7-76B48FDB9849]
      - id: 1234A46B-3D17-4ADC-8DCE-DC4E7D556789
        name: Test Bot
        tenant: 72f988bf-86f1-41af-91ab-2d7cd011db47
        secret: switchboard-dev-secret
        permissions: [Calls.Initiate.All, Calls.InitiateGroupCall.All, Calls.JoinGroupCall.All, Calls.JoinGroupCallAsGuest.All, Calls.AccessMedia.All]
        consentedTenants: [aa67bd4c-8475-432d-bd41-39f255720e0a, 86dc81db-c112-4228-9222-63f3esaa1edb, 49BFC225-8482-4AB8-94E7-76B48FDB9849]

    # Application instances (resource accounts) of a bot, with the phone number that reaches
    # them: PSTN calls come from and to these.
    applicationInstances:
      - id: 3d913abb-aec0-4964-8fa6-3c6850c4f278
        application: 2891555a-92ff-42e6-80fa-6e1300c6b5c6
        tenant: 72f988bf-86f1-41af-91ab-2d7cd011db47
        name: Calling Bot
        phone: "+14255550100"
      - id: a8a1e6c1-7d3e-4b0f-9d59-2f4b5e0c1d21
        application: 8A34A46B-3D17-4ADC-8DCE-DC4E7D572698
        tenant: 72f988bf-86f1-41af-91ab-2d7cd011db47
        name: Test BOT
        phone: "+14255550101"

    # Teams users. A behaviour says what they do when called; without one they ring for
    # ringTimeMs and answer. Behaviours:
    #   answer | busy | decline | noAnswer | unreachable | manual
    # or a mapping:
    #   behaviour:
    #     kind: answer          # answer (default), decline, manual, busy, noAnswer, unreachable
    #     ringMs: 2500          # answer, decline: how long it rings first
    #     then:                 # answer, manual: what they do once answered, from the answer
    #       - {afterSeconds: 2, action: pressKeys, keys: "1234#"}
    #       - {afterSeconds: 30, action: hangUp}
    # Actions: hangUp, pressKeys (keys), startSharing, updateSharing, stopSharing, mute, unmute.
    # manual rings until POST /_switchboard/calls/{id}/far-end says answer, decline or busy
    # (or the ringing timeout ends the call).
    users:
      - id: 112f7296-5fa4-42ca-bae8-6a692b15d4b8
        name: John
        tenant: 72f988bf-86f1-41af-91ab-2d7cd011db47
      - id: 550fae72-d251-43ec-868c-373732c2704f
        name: Heidi Steen
        tenant: 72f988bf-86f1-41af-91ab-2d7cd011db47
      - id: 29362BD4-CD58-4ED0-A206-0E4A33DBB0B6
        name: Heidi Steen
        tenant: 72f988bf-86f1-41af-91ab-2d7cd011db47
      - id: 8A34A46B-3D17-4ADC-8DCE-DC4E7D572698
        name: Test User
        tenant: 72f988bf-86f1-41af-91ab-2d7cd011db47
      - id: 90ED37DC-D8E3-4E11-9DE3-30A955DDA06F
        name: Tailspin User
        tenant: 49BFC225-8482-4AB8-94E7-76B48FDB9849
      - id: 98da8a1a-1b87-452c-a713-65d3f10b5555
        name: user1
        tenant: 72f988bf-86f1-41af-91ab-2d7cd011db47
      - id: bf5aae9a-d11d-47a8-93b1-782504c95555
        name: user2
        tenant: 72f988bf-86f1-41af-91ab-2d7cd011db47
      - id: 5810cede-f3cc-42eb-b2c1-e9bd5d53ec96
        name: Bob
        tenant: aa67bd4c-8475-432d-bd41-39f255720e0a

    # Phone numbers (E.164) a bot can call, with behaviours as users have. Any other number
    # has no endpoints (480/10037), but the magic numbers every world has:
    #   +12065550101 answers at once            +12065550105 unreachable (480/10076)
    #   +12065550102 busy (486)                 +12065550106 answers, hangs up 10 s later
    #   +12065550103 never answers (408/10057)  +12065550107 answers, presses 1234# 2 s later
    #   +12065550104 declines after 1 s (603)
    phoneNumbers:
      - number: "+12345678901"
      - number: "+12345678890"

    # Scheduled meetings: the chat thread (chatInfo.threadId) and organizer a join names,
    # the join meeting id, passcode and join token (tokenMeetingInfo), and the attendees in
    # it when a bot joins, in roster order. shares: true makes one attendee share content
    # from the start; joinsAfterSeconds: N keeps an attendee out until N s after the first
    # bot's join; then: what an attendee does, counted from the first bot's join
    # (leaveMeeting takes them out).
    # id names the meeting in the control API (default: its threadId).
    meetings:
      # The seeds' scheduled meeting: joined by organizer, by meeting id and passcode; John
      # shares his screen, moves to the next slide after a minute and stops after two.
      - id: seed-meeting
        threadId: "19:meeting_Win6Ydo4wsMijFjZS00ZGVjLTk5MGUtOTRjNWY2NmNkYTFm@thread.v2"
        organizer: 5810cede-f3cc-42eb-b2c1-e9bd5d53ec96
        tenant: aa67bd4c-8475-432d-bd41-39f255720e0a
        joinMeetingId: "1234567"
        passcode: psw123
        joinToken: switchboard-meeting-token-1
        attendees:
          - user: 112f7296-5fa4-42ca-bae8-6a692b15d4b8
            shares: true
            then:
              - {afterSeconds: 60, action: updateSharing}
              - {afterSeconds: 120, action: stopSharing}
      # The 2019 beta seeds' channel meeting, organised by the Tailspin user.
      - id: channel-meeting
        threadId: "19:meeting_NTg0NmQ3NTctZDVkZC00YzRhLThmNmEtOGQ3M2E0ODdmZDZk@thread.v2"
        organizer: 90ED37DC-D8E3-4E11-9DE3-30A955DDA06F
        tenant: 49BFC225-8482-4AB8-94E7-76B48FDB9849
        joinMeetingId: "7654321"
        attendees:
          - user: 550fae72-d251-43ec-868c-373732c2704f
      # seed003's join-without-media example names its thread by the organizer's id.
      - id: tailspin-meeting
        threadId: 90ED37DC-D8E3-4E11-9DE3-30A955DDA06F
        organizer: 90ED37DC-D8E3-4E11-9DE3-30A955DDA06F
        tenant: 49BFC225-8482-4AB8-94E7-76B48FDB9849
        attendees:
          - user: 90ED37DC-D8E3-4E11-9DE3-30A955DDA06F

    # Prompt media: when a bot plays uri, the prompt lasts as long as file (a WAV; a path
    # relative to this file). Other prompts last 3 s, or their WAV's length when served on
    # this machine's loopback.
    media: []
    """#
}
