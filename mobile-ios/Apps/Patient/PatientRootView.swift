// The patient app's frame: asks for the hospital's server first, then the queue, history and
// settings tabs over one PatientModel, rebuilt whenever the server address changes.
import GiliranCore
import GiliranKit
import SwiftUI

@MainActor
struct PatientRootView: View {
    @Binding var serverAddress: String
    @State private var model: PatientModel?
    @State private var openingProblem: GiliranError?
    private let notifications = TicketNotifications()
    @Environment(\.scenePhase) private var scenePhase

    var body: some View {
        Group {
            if serverAddress.isEmpty {
                NavigationStack {
                    ServerAddressForm(serverAddress: $serverAddress)
                        .navigationTitle("welcome.title")
                }
            } else if let model {
                TabView {
                    QueueTab(model: model)
                        .tabItem { Label("tab.queue", systemImage: "ticket") }
                    HistoryView(model: model)
                        .tabItem { Label("tab.history", systemImage: "clock.arrow.circlepath") }
                    PatientSettingsView(serverAddress: $serverAddress)
                        .tabItem { Label("tab.settings", systemImage: "gearshape") }
                }
            } else if let openingProblem {
                NavigationStack {
                    VStack {
                        ProblemBanner(problem: openingProblem) { self.openingProblem = nil }
                        ServerAddressForm(serverAddress: $serverAddress)
                    }
                    .navigationTitle("welcome.title")
                }
            } else {
                ProgressView()
            }
        }
        .task(id: serverAddress) {
            await open(serverAddress)
        }
        .onChange(of: scenePhase) { _, phase in
            // The ticket reconnects by itself; the services list is only fetched when asked.
            if phase == .active, let model {
                Task { await model.refreshServices() }
            }
        }
    }

    private func open(_ address: String) async {
        model = nil
        openingProblem = nil
        guard !address.isEmpty else { return }
        do {
            let opened = try PatientModel(
                serverAddress: address,
                directory: LocalFiles.directory(named: "patient"),
                notify: notifications.post
            )
            model = opened
            await notifications.askPermission()
            await opened.start()
        } catch {
            openingProblem = .from(error)
        }
    }
}

/// The first tab: the live ticket while there is one, otherwise the services to queue for.
struct QueueTab: View {
    let model: PatientModel

    var body: some View {
        NavigationStack {
            Group {
                if let ticket = model.ticket {
                    TicketView(model: model, ticket: ticket)
                } else {
                    ServicesView(model: model)
                }
            }
            .safeAreaInset(edge: .top) {
                if let problem = model.problem {
                    ProblemBanner(problem: problem) { model.dismissProblem() }
                }
            }
        }
    }
}
