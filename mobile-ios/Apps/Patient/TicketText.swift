// The patient app's words for what the core reports: status names, where to go, how long to
// wait, and each notification. The facts (status, people ahead, the estimate, the counter)
// are the core's; only their wording lives here.
import Foundation
import GiliranCore

enum TicketText {
    static func status(_ status: TicketStatus) -> String {
        switch status {
        case .waiting: return String(localized: "status.waiting")
        case .called: return String(localized: "status.called")
        case .done: return String(localized: "status.done")
        case .skipped: return String(localized: "status.skipped")
        case .cancelled: return String(localized: "status.cancelled")
        case .transferred: return String(localized: "status.transferred")
        case .expired: return String(localized: "status.expired")
        }
    }

    /// The line under the big number.
    static func detail(_ ticket: TicketInfo) -> String? {
        switch ticket.status {
        case .waiting:
            return ticket.peopleAhead.map(peopleAhead)
        case .called:
            return goTo(counter(name: ticket.counterName, number: ticket.counterNumber))
        case .done: return String(localized: "detail.done")
        case .skipped: return String(localized: "detail.skipped")
        case .cancelled: return String(localized: "detail.cancelled")
        case .transferred: return String(localized: "detail.transferred")
        case .expired: return String(localized: "detail.expired")
        }
    }

    static func peopleAhead(_ count: UInt32) -> String {
        count == 0
            ? String(localized: "ticket.next")
            : String(localized: "ticket.ahead \(Int(count))")
    }

    /// "± 12 menit", in the app's language; under a minute "sebentar lagi".
    static func eta(seconds: UInt32) -> String {
        if seconds < 60 { return String(localized: "ticket.eta.soon") }
        let wait = Duration.seconds(Int64(seconds)).formatted(
            .units(allowed: [.hours, .minutes], width: .wide, fractionalPart: .hide(rounded: .up))
        )
        return String(localized: "ticket.eta \(wait)")
    }

    /// The counter's own name ("Loket 2", "Ruang Gigi"), else "Loket" and its number.
    static func counter(name: String?, number: UInt32?) -> String? {
        if let name, !name.trimmingCharacters(in: .whitespaces).isEmpty { return name }
        return number.map { String(localized: "ticket.counter_number \(Int($0))") }
    }

    static func goTo(_ counter: String?) -> String {
        counter.map { String(localized: "ticket.go_to \($0)") } ?? String(localized: "ticket.go_to_counter")
    }

    /// A notification's title and body.
    static func notification(_ notice: PatientNotice) -> (title: String, body: String) {
        switch notice {
        case let .near(number, peopleAhead):
            return (
                String(localized: "ticket.number \(number)"),
                String(localized: "notice.near \(TicketText.peopleAhead(peopleAhead))")
            )
        case let .called(number, counterNumber, counterName, recalls):
            let title = recalls > 0
                ? String(localized: "notice.called_again \(number)")
                : String(localized: "notice.called \(number)")
            let body = announcement(number: number, counterName: counterName)
                ?? goTo(counter(name: counterName, number: counterNumber))
            return (title, body)
        case let .transferred(from, to):
            return (
                String(localized: "ticket.number \(to)"),
                String(localized: "notice.transferred \(from) \(to)")
            )
        case let .finished(number, status):
            return (String(localized: "ticket.number \(number)"), TicketText.status(status))
        }
    }

    /// The call as the waiting room's display speaks it, built by the core in the app's
    /// language (the hospital's own template is not known to the app: the default is used).
    static func announcement(number: String, counterName: String) -> String? {
        let language = Bundle.main.preferredLocalizations.first == "en" ? "en" : "id"
        return try? announcementText(
            language: language,
            template: nil,
            ticketNumber: number,
            counterName: counterName
        )
    }
}
