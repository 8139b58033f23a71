// The patient app's state: the services to queue for, the ticket being followed live, the
// phone's history, and what to notify. Every rule (people ahead, when "near" is told, which
// status follows which) comes from the core; this class only carries its answers to SwiftUI.
import Foundation
import GiliranCore
import Observation

@MainActor
@Observable
public final class PatientModel {
    /// The services patients can queue for, as last fetched.
    public private(set) var services: [ServiceInfo] = []
    /// The ticket on screen: the one being followed, or the last known state from the phone.
    public private(set) var ticket: TicketInfo?
    /// Whether `ticket` is live or the last known state.
    public private(set) var live: LiveState = .connecting
    /// Every ticket taken on this phone, newest first.
    public private(set) var history: [TicketInfo] = []
    /// The latest failure, until the next attempt.
    public private(set) var problem: GiliranError?
    /// A network call is under way (the buttons that start one are disabled meanwhile).
    public private(set) var isBusy = false

    private let client: PatientClient
    private let notify: @MainActor (PatientNotice) -> Void
    @ObservationIgnored private var tracking: Tracking?
    @ObservationIgnored private var listener: Task<Void, Never>?

    /// A model for the hospital at `serverAddress` (as `serverAddressFromText` returned it),
    /// keeping tickets in `directory`. `notify` hears each notice once, to post a notification.
    public init(
        serverAddress: String,
        directory: URL,
        notify: @escaping @MainActor (PatientNotice) -> Void
    ) throws {
        client = try PatientClient(serverUrl: serverAddress, dataDir: directory.path)
        self.notify = notify
    }

    // No deinit: a released Tracking stops the core's task, the core lets go of the observer,
    // and the observer's stream ends the listener.

    /// Shows what the phone knows at once (works offline), then follows the open ticket and
    /// fetches the services.
    public func start() async {
        refreshHistory()
        do {
            if let held = try client.activeTicket() {
                follow(held)
            }
        } catch {
            problem = .from(error)
        }
        await refreshServices()
    }

    public func refreshServices() async {
        let client = self.client
        do {
            services = try await CoreCalls.run { try client.services() }
            problem = nil
        } catch {
            problem = .from(error)
        }
    }

    /// Takes a ticket and follows it. Name and phone may be empty (the core drops blanks). A
    /// patient who already holds a ticket on this phone is shown that one instead.
    public func takeTicket(serviceId: String, name: String, phone: String) async {
        guard !isBusy else { return }
        isBusy = true
        defer { isBusy = false }
        problem = nil
        let client = self.client
        do {
            let taken = try await CoreCalls.run {
                try client.takeTicket(serviceId: serviceId, name: name, phone: phone)
            }
            follow(taken)
        } catch {
            let error = GiliranError.from(error)
            if error.apiCode == "active_ticket_exists", let held = try? client.activeTicket() {
                follow(held)
            } else {
                problem = error
            }
        }
        refreshHistory()
    }

    /// Withdraws the waiting ticket on screen.
    public func cancelTicket() async {
        guard let id = ticket?.id, !isBusy else { return }
        isBusy = true
        defer { isBusy = false }
        problem = nil
        let client = self.client
        do {
            let cancelled = try await CoreCalls.run { try client.cancel(ticketId: id) }
            stopFollowing()
            ticket = cancelled
        } catch {
            problem = .from(error)
        }
        refreshHistory()
    }

    /// Puts a finished ticket away, back to the services.
    public func closeTicket() {
        stopFollowing()
        ticket = nil
        refreshHistory()
    }

    /// Re-reads the history from the phone (local and fast).
    public func refreshHistory() {
        do {
            history = try client.history()
        } catch {
            problem = .from(error)
        }
    }

    public func dismissProblem() {
        problem = nil
    }

    // MARK: Following

    private func follow(_ shown: TicketInfo) {
        stopFollowing()
        ticket = shown
        live = .connecting
        let bridge = TicketObserverBridge()
        do {
            tracking = try client.track(ticketId: shown.id, observer: bridge)
        } catch {
            problem = .from(error)
            live = .offline
            return
        }
        // The stream, not the bridge: the core alone keeps the bridge alive. Created on the
        // main actor, so the loop body runs there too.
        let events = bridge.events
        listener = Task { [weak self] in
            for await event in events {
                self?.apply(event)
            }
        }
    }

    private func stopFollowing() {
        tracking?.stop()
        tracking = nil
        listener?.cancel()
        listener = nil
    }

    private func apply(_ event: TicketEvent) {
        switch event {
        case let .ticket(update):
            ticket = update
        case let .notice(notice):
            notify(notice)
        case let .connection(online):
            live = online ? .online : .offline
        }
    }
}
