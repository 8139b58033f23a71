// What every view-model test needs from its surroundings: the live server to talk to (skipped
// when none is given), a fresh phone or tablet, and a way to wait for what the core streams.
import Foundation
import GiliranCore
import GiliranKit
import XCTest

enum LiveServer {
    /// GILIRAN_SERVER_URL and GILIRAN_ADMIN_PASSWORD, or a skip that says how to run these.
    static func settings() throws -> (address: String, adminPassword: String) {
        let environment = ProcessInfo.processInfo.environment
        guard let url = environment["GILIRAN_SERVER_URL"], !url.isEmpty,
              let password = environment["GILIRAN_ADMIN_PASSWORD"], !password.isEmpty
        else {
            throw XCTSkip("set GILIRAN_SERVER_URL and GILIRAN_ADMIN_PASSWORD to run against a live server (mobile-ios/README.md)")
        }
        return (url, password)
    }

    /// A new device's private folder: no tickets, no last counter.
    static func freshDevice() -> URL {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("giliran-tests", isDirectory: true)
            .appendingPathComponent(UUID().uuidString, isDirectory: true)
    }

    /// An Indonesian mobile number no other test uses, for the one-active-ticket rule.
    static func freshPhone() -> String {
        "0812" + String(format: "%08d", Int.random(in: 0..<100_000_000))
    }
}

/// Waits on the main actor until `condition` holds, for at most `seconds`; whether it did.
@MainActor
func eventually(within seconds: TimeInterval = 5, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(25))
    }
    return condition()
}

/// Records what a patient model hands to the notification layer.
@MainActor
final class NoticeLog {
    private(set) var notices: [PatientNotice] = []

    func record(_ notice: PatientNotice) {
        notices.append(notice)
    }

    var calls: [PatientNotice] {
        notices.filter { if case .called = $0 { return true } else { return false } }
    }
}

extension StaffModel {
    /// Calls at the open counter until `number` is the current ticket, completing whoever came
    /// first: a shared test server may hold other waiting tickets for the same services.
    func callUntil(number: String, attempts: Int = 200) async -> Bool {
        for _ in 0..<attempts {
            await callNext()
            switch outcome {
            case let .called(ticket) where ticket.number == number:
                return true
            case .called:
                continue
            default:
                return false
            }
        }
        return false
    }
}
