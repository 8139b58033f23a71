// The staff app's frame: the server first, then login, then the counter to work at (the last
// one opens by itself), then the counter screen. One StaffModel per server address.
import GiliranCore
import GiliranKit
import SwiftUI

@MainActor
struct StaffRootView: View {
    @Binding var serverAddress: String
    @State private var model: StaffModel?
    @State private var openingProblem: GiliranError?
    @State private var changingServer = false

    var body: some View {
        Group {
            if serverAddress.isEmpty || changingServer {
                NavigationStack {
                    ServerAddressForm(serverAddress: Binding(
                        get: { serverAddress },
                        // Saving the same address again must still close the form.
                        set: { serverAddress = $0; changingServer = false }
                    ))
                    .navigationTitle("server.title")
                    .toolbar {
                        if changingServer {
                            ToolbarItem(placement: .cancellationAction) {
                                Button("common.cancel") { changingServer = false }
                            }
                        }
                    }
                }
            } else if let model {
                if model.user == nil {
                    LoginView(model: model, serverAddress: serverAddress) { changingServer = true }
                } else if model.counterId == nil {
                    CounterPickerView(model: model)
                } else {
                    CounterView(model: model)
                }
            } else if let openingProblem {
                VStack(spacing: 24) {
                    ProblemBanner(problem: openingProblem) { self.openingProblem = nil }
                    Button("server.change") { changingServer = true }
                }
            } else {
                ProgressView()
            }
        }
        .task(id: serverAddress) {
            changingServer = false
            open(serverAddress)
        }
    }

    private func open(_ address: String) {
        model = nil
        openingProblem = nil
        guard !address.isEmpty else { return }
        do {
            model = try StaffModel(serverAddress: address, directory: LocalFiles.directory(named: "staff"))
        } catch {
            openingProblem = .from(error)
        }
    }
}
