// Adapters from the core's observer protocols to AsyncStreams. The core calls observers on a
// thread of its own runtime; a view model reads the stream on the main actor, in the order the
// core spoke.
import Foundation
import GiliranCore

/// One thing the core told a ticket's observer.
public enum TicketEvent {
    case ticket(TicketInfo)
    case notice(PatientNotice)
    case connection(online: Bool)
}

/// One thing the core told a counter queue's observer.
public enum QueueEvent {
    case queue(CounterQueueInfo)
    case connection(online: Bool)
}

/// Receives a tracked ticket's updates. The core holds it while the tracking runs and lets go
/// when the tracking stops; the stream then ends, and so does whatever reads it.
final class TicketObserverBridge: TicketObserver, @unchecked Sendable {
    // @unchecked: the only state is the continuation, which is itself safe from any thread.
    let events: AsyncStream<TicketEvent>
    private let continuation: AsyncStream<TicketEvent>.Continuation

    init() {
        let (events, continuation) = AsyncStream.makeStream(of: TicketEvent.self)
        self.events = events
        self.continuation = continuation
    }

    func onTicket(ticket: TicketInfo) {
        continuation.yield(.ticket(ticket))
    }

    func onNotice(notice: PatientNotice) {
        continuation.yield(.notice(notice))
    }

    func onConnection(online: Bool) {
        continuation.yield(.connection(online: online))
    }

    deinit {
        continuation.finish()
    }
}

/// Receives a watched counter's queue. Same life as `TicketObserverBridge`.
final class QueueObserverBridge: QueueObserver, @unchecked Sendable {
    let events: AsyncStream<QueueEvent>
    private let continuation: AsyncStream<QueueEvent>.Continuation

    init() {
        let (events, continuation) = AsyncStream.makeStream(of: QueueEvent.self)
        self.events = events
        self.continuation = continuation
    }

    func onQueue(queue: CounterQueueInfo) {
        continuation.yield(.queue(queue))
    }

    func onConnection(online: Bool) {
        continuation.yield(.connection(online: online))
    }

    deinit {
        continuation.finish()
    }
}
