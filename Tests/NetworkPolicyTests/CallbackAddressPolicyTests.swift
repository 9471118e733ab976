import NetworkPolicy
import Testing

@Suite struct IPNetworkTests {
    @Test func blocksContainTheirAddressesAndNoOthers() throws {
        let ten = try #require(IPNetwork("10.0.0.0/8"))
        #expect(ten.contains(IPAddress("10.200.3.4")!))
        #expect(!ten.contains(IPAddress("11.0.0.1")!))
        // An IPv4-mapped IPv6 address is the IPv4 address it maps.
        #expect(ten.contains(IPAddress("::ffff:10.1.2.3")!))
        let odd = try #require(IPNetwork("192.168.4.0/22"))
        #expect(odd.contains(IPAddress("192.168.7.255")!))
        #expect(!odd.contains(IPAddress("192.168.8.0")!))
        let ula = try #require(IPNetwork("fd00::/8"))
        #expect(ula.contains(IPAddress("fd12:3456::1")!))
        #expect(!ula.contains(IPAddress("fe80::1")!))
        #expect(IPNetwork("10.0.0.7")?.contains(IPAddress("10.0.0.7")!) == true)
        #expect(IPNetwork("10.0.0.7")?.contains(IPAddress("10.0.0.8")!) == false)
        #expect(IPNetwork("0.0.0.0/0")?.contains(IPAddress("8.8.8.8")!) == true)
    }

    @Test func onlyWellFormedBlocksParse() {
        for text in ["10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/+8", "ten/8", "10.0.0/8", "fd00::/129", ""] {
            #expect(IPNetwork(text) == nil, "\(text)")
        }
        #expect(IPNetwork("fd00::/8")?.description == "fd00::/8")
        #expect(IPAddress("::ffff:10.1.2.3")?.unmapped.description == "10.1.2.3")
    }

    @Test func onlyDottedQuadsAreIPv4Literals() {
        for (text, bytes): (String, [UInt8]) in [("0.0.0.0", [0, 0, 0, 0]), ("255.255.255.255", [255, 255, 255, 255]), ("10.200.3.4", [10, 200, 3, 4]), ("127.0.0.1", [127, 0, 0, 1])] {
            #expect(IPAddress(text)?.bytes == bytes, "\(text)")
        }
        for text in ["127.1", "0x7f.0.0.1", "2130706433", "010.0.0.1", "1.2.3.04", "256.0.0.1", "1.2.3.1000", "1.2.3.4.", ".1.2.3.4",
                     "1..2.3", "1.2.3", "1.2.3.4.5", "1.2.3.-4", "1.2.3.4 ", "١.٢.٣.٤", ""] {
            #expect(IPAddress(text) == nil, "\(text)")
        }
    }
}

@Suite struct CallbackAddressPolicyTests {
    let standard = CallbackAddressPolicy()

    @Test func httpsReachesPublicAddressesAndHttpOnlyLoopback() {
        #expect(standard.refusal(of: IPAddress("52.112.0.10")!, scheme: "https") == nil)
        #expect(standard.refusal(of: IPAddress("127.0.0.1")!, scheme: "http") == nil)
        #expect(standard.refusal(of: IPAddress("::1")!, scheme: "http") == nil)
        for address in ["10.0.0.5", "169.254.169.254", "192.168.1.1", "172.16.0.1", "100.64.0.1", "::ffff:169.254.169.254", "fe80::1", "fd00::1", "127.0.0.1"] {
            #expect(standard.refusal(of: IPAddress(address)!, scheme: "https") != nil, "\(address)")
        }
        #expect(standard.refusal(of: IPAddress("52.112.0.10")!, scheme: "http") != nil)
    }

    @Test func anAllowedNetworkIsReachableOverEitherScheme() {
        let policy = CallbackAddressPolicy(allowedNetworks: [IPNetwork("10.0.0.0/8")!])
        #expect(policy.refusal(of: IPAddress("10.1.2.3")!, scheme: "https") == nil)
        #expect(policy.refusal(of: IPAddress("10.1.2.3")!, scheme: "http") == nil)
        #expect(policy.refusal(of: IPAddress("::ffff:10.1.2.3")!, scheme: "https") == nil)
        #expect(policy.refusal(of: IPAddress("169.254.169.254")!, scheme: "https") != nil)
        // Plain http to a host name is taken when a network is open (checked on delivery).
        #expect(throws: Never.self) { try policy.check("http://bot.internal:9000/callback") }
        #expect(throws: CallbackAddressPolicy.Refusal.self) { try standard.check("http://bot.internal:9000/callback") }
    }

    @Test func uriChecksRefuseAddressesAndOddSpellingsButLeaveNamesToDelivery() {
        #expect(throws: Never.self) { try standard.check("https://bot.contoso.com/callback") }
        #expect(throws: Never.self) { try standard.check("http://localhost:9000/callback") }
        #expect(throws: Never.self) { try standard.check("http://[::1]:9000/callback") }
        for uri in ["https://169.254.169.254/latest", "https://[::ffff:10.0.0.1]/cb", "https://2130706433/cb", "https://127.1/cb",
                    "http://127.0.0.1.nip.io/cb", "ftp://bot/cb", "https://bot/\u{0}", "https:///cb"] {
            #expect(throws: CallbackAddressPolicy.Refusal.self, "\(uri)") { try standard.check(uri) }
        }
    }

    @Test func originsNameTheReceiverWhateverThePathCaseOrUserInfo() {
        #expect(CallbackAddressPolicy.origin(of: "HTTPS://Bot.Contoso.com:8443/callback?x=1") == "https://bot.contoso.com:8443")
        #expect(CallbackAddressPolicy.origin(of: "https://user:secret@bot.contoso.com/cb") == "https://bot.contoso.com")
        #expect(CallbackAddressPolicy.origin(of: "http://[::1]:9000#frag") == "http://[::1]:9000")
        #expect(CallbackAddressPolicy.origin(of: "ftp://bot/cb") == "ftp://bot/cb")
        #expect(CallbackAddressPolicy.schemeAndHost(of: "https://user@[2001:db8::1]:443/cb")! == ("https", "2001:db8::1"))
    }
}
