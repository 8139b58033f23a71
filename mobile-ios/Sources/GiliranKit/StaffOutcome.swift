// What the staff's last action did, as the server answered it: the counter screen confirms it
// ("A-004 dipanggil", "Tidak ada antrean") until the next action.
import GiliranCore

public enum StaffAction: Equatable, Sendable {
    case callNext, recall, complete, skip, transfer, pause, resume
}

public enum StaffOutcome: Equatable {
    case called(TicketInfo)
    /// Call next found nobody waiting.
    case nobodyWaiting
    case recalled(TicketInfo)
    case completed(TicketInfo)
    case skipped(TicketInfo)
    /// The patient's new ticket in the other service.
    case transferred(TicketInfo)
    case paused(CounterInfo)
    case resumed(CounterInfo)
}
