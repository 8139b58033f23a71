// The staff app's words for what an action did, and the announcement the waiting room hears
// (built by the core, once, in the app's language).
import Foundation
import GiliranCore
import GiliranKit

enum StaffText {
    static func outcome(_ outcome: StaffOutcome) -> String {
        switch outcome {
        case let .called(ticket): return String(localized: "outcome.called \(ticket.number)")
        case .nobodyWaiting: return String(localized: "outcome.nobody_waiting")
        case let .recalled(ticket): return String(localized: "outcome.recalled \(ticket.number)")
        case let .completed(ticket): return String(localized: "outcome.completed \(ticket.number)")
        case let .skipped(ticket): return String(localized: "outcome.skipped \(ticket.number)")
        case let .transferred(ticket): return String(localized: "outcome.transferred \(ticket.number)")
        case .paused: return String(localized: "outcome.paused")
        case .resumed: return String(localized: "outcome.resumed")
        }
    }

    /// What the display says for `number` at this counter, with the default template (the
    /// hospital's own template lives in the server's settings, which the app does not read).
    static func announcement(number: String, counter: CounterInfo) -> String? {
        let language = Bundle.main.preferredLocalizations.first == "en" ? "en" : "id"
        return try? announcementText(
            language: language,
            template: nil,
            ticketNumber: number,
            counterName: counter.name
        )
    }
}
