// The staff app's state: who is logged in, the counter worked at, its queue live from the
// core, and the actions that move it. The server decides what each action does; this class
// sends the tap, shows the answer, and keeps the queue the core streams.
import Foundation
import GiliranCore
import Observation

@MainActor
@Observable
public final class StaffModel {
    /// `nil` until logged in, and again after logging out or when the session has expired.
    public private(set) var user: StaffUser?
    /// The counters this user may work at.
    public private(set) var counters: [CounterInfo] = []
    /// The counter worked at last on this device (the core remembers it), to offer first.
    public private(set) var lastCounterId: String?
    /// The counter being worked at now; `nil` while choosing one.
    public private(set) var counterId: String?
    /// Its queue: who is called, who waits, today's counts. `nil` until first heard.
    public private(set) var queue: CounterQueueInfo?
    public private(set) var live: LiveState = .connecting
    /// The services a patient can be transferred to.
    public private(set) var services: [ServiceInfo] = []
    /// The action waiting for the server's answer; the buttons are disabled meanwhile.
    public private(set) var pending: StaffAction?
    public private(set) var isLoggingIn = false
    public private(set) var outcome: StaffOutcome?
    public private(set) var problem: GiliranError?

    private let client: StaffClient
    @ObservationIgnored private var tracking: Tracking?
    @ObservationIgnored private var listener: Task<Void, Never>?

    /// A model for the hospital at `serverAddress`, keeping its state in `directory`.
    public init(serverAddress: String, directory: URL) throws {
        client = try StaffClient(serverUrl: serverAddress, dataDir: directory.path)
    }

    /// The counter on screen, from the live queue when there is one.
    public var counter: CounterInfo? {
        if let queue, queue.counter.id == counterId { return queue.counter }
        return counters.first { $0.id == counterId }
    }

    // MARK: Session

    /// Logs in, lists the counters, and opens the one worked at last when it is among them.
    public func login(username: String, password: String) async {
        guard !isLoggingIn else { return }
        isLoggingIn = true
        defer { isLoggingIn = false }
        problem = nil
        let client = self.client
        do {
            user = try await CoreCalls.run {
                try client.login(username: username, password: password)
            }
        } catch {
            problem = .from(error)
            return
        }
        await loadCounters()
        if let last = lastCounterId, counters.contains(where: { $0.id == last }) {
            await open(counterId: last)
        }
    }

    public func loadCounters() async {
        let client = self.client
        do {
            counters = try await CoreCalls.run { try client.counters() }
            lastCounterId = try client.lastCounter()
        } catch {
            handle(error)
        }
    }

    public func logout() async {
        stopWatching()
        counterId = nil
        queue = nil
        outcome = nil
        let client = self.client
        // Ending the session here matters more than telling the server: even offline, log out.
        _ = try? await CoreCalls.run { try client.logout() }
        user = nil
    }

    // MARK: Counter

    /// Starts working at a counter: its queue live from the core, fetched once meanwhile so the
    /// screen fills even before the stream's first snapshot.
    public func open(counterId id: String) async {
        stopWatching()
        counterId = id
        queue = nil
        outcome = nil
        problem = nil
        live = .connecting
        let bridge = QueueObserverBridge()
        do {
            tracking = try client.observeQueue(counter: id, observer: bridge)
        } catch {
            handle(error)
            return
        }
        // As in PatientModel: the stream only, so the core alone keeps the bridge alive.
        let events = bridge.events
        listener = Task { [weak self] in
            for await event in events {
                self?.apply(event, counterId: id)
            }
        }
        lastCounterId = id
        let client = self.client
        do {
            let fetched = try await CoreCalls.run { try client.queue(counter: id) }
            // The stream may have spoken first; its state is at least as new.
            if queue == nil, counterId == id {
                queue = fetched
            }
        } catch {
            handle(error)
        }
        if services.isEmpty {
            await loadServices()
        }
    }

    /// Back to the list of counters.
    public func leaveCounter() {
        stopWatching()
        counterId = nil
        queue = nil
        outcome = nil
    }

    public func loadServices() async {
        let client = self.client
        do {
            services = try await CoreCalls.run { try client.services() }
        } catch {
            handle(error)
        }
    }

    // MARK: Actions

    /// Completes the current patient and calls the next one.
    public func callNext() async {
        await perform(.callNext) { client, counter in
            try client.callNext(counter: counter).map(StaffOutcome.called) ?? .nobodyWaiting
        }
    }

    public func recall() async {
        await perform(.recall) { client, counter in .recalled(try client.recall(counter: counter)) }
    }

    public func complete() async {
        await perform(.complete) { client, counter in .completed(try client.complete(counter: counter)) }
    }

    public func skip() async {
        await perform(.skip) { client, counter in .skipped(try client.skip(counter: counter)) }
    }

    /// Sends the current patient on to another service.
    public func transfer(toService serviceId: String) async {
        await perform(.transfer) { client, counter in
            .transferred(try client.transfer(counter: counter, serviceId: serviceId))
        }
    }

    public func pause() async {
        await perform(.pause) { client, counter in .paused(try client.pause(counter: counter)) }
    }

    public func resume() async {
        await perform(.resume) { client, counter in .resumed(try client.resume(counter: counter)) }
    }

    public func dismissProblem() {
        problem = nil
    }

    private func perform(
        _ action: StaffAction,
        _ work: @escaping @Sendable (StaffClient, String) throws -> StaffOutcome
    ) async {
        guard let counter = counterId, pending == nil else { return }
        pending = action
        defer { pending = nil }
        problem = nil
        let client = self.client
        do {
            let outcome = try await CoreCalls.run { try work(client, counter) }
            self.outcome = outcome
            // The stream brings the new queue too; the counter's pause is shown at once.
            if case let .paused(updated) = outcome { replaceCounter(updated) }
            if case let .resumed(updated) = outcome { replaceCounter(updated) }
        } catch {
            handle(error)
        }
    }

    private func replaceCounter(_ updated: CounterInfo) {
        queue?.counter = updated
        if let index = counters.firstIndex(where: { $0.id == updated.id }) {
            counters[index] = updated
        }
    }

    // MARK: Stream

    private func apply(_ event: QueueEvent, counterId id: String) {
        guard counterId == id else { return }
        switch event {
        case let .queue(update):
            queue = update
        case let .connection(online):
            live = online ? .online : .offline
        }
    }

    private func stopWatching() {
        tracking?.stop()
        tracking = nil
        listener?.cancel()
        listener = nil
    }

    /// Keeps the failure for the screen; an expired session (a shift is 12 hours) goes back to
    /// the login screen rather than failing every tap.
    private func handle(_ error: Error) {
        let error = GiliranError.from(error)
        problem = error
        if error.apiCode == "unauthorized" {
            stopWatching()
            counterId = nil
            queue = nil
            user = nil
        }
    }
}
