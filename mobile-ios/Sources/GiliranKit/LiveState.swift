// Whether a screen's live connection to the server is up: what decides between "live" and
// "last known state, offline" on the patient's ticket and the staff's queue.
public enum LiveState: Equatable, Sendable {
    /// Opened, nothing heard from the core's stream yet.
    case connecting
    case online
    /// The core is reconnecting by itself; what is shown is the last known state.
    case offline
}
