import CallEngine

/// The world every Switchboard starts with: each tenant, application, user, phone number,
/// application instance and meeting that the seed documents name.
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

    public static func builtIn(defaultRingTime: Duration = .seconds(1)) -> World {
        let contoso = contosoTenantId
        return World(
            tenants: [
                WorldTenant(id: contoso, displayName: "Contoso"),
                WorldTenant(id: "aa67bd4c-8475-432d-bd41-39f255720e0a", displayName: "Fabrikam"),
                WorldTenant(id: "86dc81db-c112-4228-9222-63f3esaa1edb", displayName: "Northwind"),
                WorldTenant(id: "49BFC225-8482-4AB8-94E7-76B48FDB9849", displayName: "Tailspin"),
            ],
            applications: [
                WorldApplication(id: callingBotAppId, tenantId: contoso, displayName: "Calling Bot",
                                 clientSecret: callingBotSecret, permissions: allCallPermissions),
                WorldApplication(id: "dd3885da-f9ab-486b-bfae-85de3d445555", tenantId: contoso, displayName: "TestBot",
                                 clientSecret: callingBotSecret, permissions: allCallPermissions),
                WorldApplication(id: "8A34A46B-3D17-4ADC-8DCE-DC4E7D572698", tenantId: contoso, displayName: "Test BOT",
                                 clientSecret: callingBotSecret, permissions: allCallPermissions),
                WorldApplication(id: "1234A46B-3D17-4ADC-8DCE-DC4E7D556789", tenantId: contoso, displayName: "Test Bot",
                                 clientSecret: callingBotSecret, permissions: allCallPermissions),
            ],
            users: [
                WorldUser(id: "112f7296-5fa4-42ca-bae8-6a692b15d4b8", tenantId: contoso, displayName: "John"),
                WorldUser(id: "550fae72-d251-43ec-868c-373732c2704f", tenantId: contoso, displayName: "Heidi Steen"),
                WorldUser(id: "29362BD4-CD58-4ED0-A206-0E4A33DBB0B6", tenantId: contoso, displayName: "Heidi Steen"),
                WorldUser(id: "8A34A46B-3D17-4ADC-8DCE-DC4E7D572698", tenantId: contoso, displayName: "Test User"),
                WorldUser(id: "90ED37DC-D8E3-4E11-9DE3-30A955DDA06F", tenantId: "49BFC225-8482-4AB8-94E7-76B48FDB9849", displayName: "Tailspin User"),
                WorldUser(id: "98da8a1a-1b87-452c-a713-65d3f10b5555", tenantId: contoso, displayName: "user1"),
                WorldUser(id: "bf5aae9a-d11d-47a8-93b1-782504c95555", tenantId: contoso, displayName: "user2"),
                WorldUser(id: "5810cede-f3cc-42eb-b2c1-e9bd5d53ec96", tenantId: "aa67bd4c-8475-432d-bd41-39f255720e0a", displayName: "Bob"),
            ],
            phoneNumbers: [
                WorldPhoneNumber(number: "+12345678901"),
                WorldPhoneNumber(number: "+12345678890"),
            ],
            applicationInstances: [
                WorldApplicationInstance(id: "3d913abb-aec0-4964-8fa6-3c6850c4f278", applicationId: callingBotAppId,
                                         tenantId: contoso, displayName: "Calling Bot", phoneNumber: "+14255550100"),
                WorldApplicationInstance(id: "a8a1e6c1-7d3e-4b0f-9d59-2f4b5e0c1d21", applicationId: "8A34A46B-3D17-4ADC-8DCE-DC4E7D572698",
                                         tenantId: contoso, displayName: "Test BOT", phoneNumber: "+14255550101"),
            ],
            meetings: [
                // The seeds' scheduled meeting: joined by organizer, by meeting id and passcode;
                // John is in it and shares his screen (seed002's roster and content sharing:
                // created, updated, deleted).
                WorldMeeting(threadId: "19:meeting_Win6Ydo4wsMijFjZS00ZGVjLTk5MGUtOTRjNWY2NmNkYTFm@thread.v2",
                             organizerId: "5810cede-f3cc-42eb-b2c1-e9bd5d53ec96", tenantId: "aa67bd4c-8475-432d-bd41-39f255720e0a",
                             joinMeetingId: "1234567", passcode: "psw123", token: "switchboard-meeting-token-1",
                             attendees: ["112f7296-5fa4-42ca-bae8-6a692b15d4b8"], sharerId: "112f7296-5fa4-42ca-bae8-6a692b15d4b8",
                             // He moves to the next slide after a minute and stops sharing after two.
                             timelines: ["112f7296-5fa4-42ca-bae8-6a692b15d4b8": [
                                 FarEndEvent(after: .seconds(60), .updateSharing), FarEndEvent(after: .seconds(120), .stopSharing),
                             ]]),
                // The 2019 beta seeds' channel meeting, organised by the Tailspin user.
                WorldMeeting(threadId: "19:meeting_NTg0NmQ3NTctZDVkZC00YzRhLThmNmEtOGQ3M2E0ODdmZDZk@thread.v2",
                             organizerId: "90ED37DC-D8E3-4E11-9DE3-30A955DDA06F", tenantId: "49BFC225-8482-4AB8-94E7-76B48FDB9849",
                             joinMeetingId: "7654321", attendees: ["550fae72-d251-43ec-868c-373732c2704f"]),
                // seed003's join-without-media example names its thread by the organizer's id.
                WorldMeeting(threadId: "90ED37DC-D8E3-4E11-9DE3-30A955DDA06F",
                             organizerId: "90ED37DC-D8E3-4E11-9DE3-30A955DDA06F", tenantId: "49BFC225-8482-4AB8-94E7-76B48FDB9849",
                             attendees: ["90ED37DC-D8E3-4E11-9DE3-30A955DDA06F"]),
            ],
            defaultRingTime: defaultRingTime
        )
    }
}
