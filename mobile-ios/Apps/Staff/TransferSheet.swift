// Sending the current patient on to another service (from the poli to the pharmacy, say): the
// open services to choose from; the patient keeps following one ticket.
import GiliranCore
import GiliranKit
import SwiftUI

@MainActor
struct TransferSheet: View {
    let model: StaffModel
    @Environment(\.dismiss) private var dismiss

    var body: some View {
        NavigationStack {
            List {
                if let current = model.queue?.current {
                    Section {
                        Text(verbatim: current.number)
                            .font(.title2.bold().monospacedDigit())
                    } header: {
                        Text("transfer.patient")
                    }
                    Section {
                        // The current service is left out: sending a patient to the queue they
                        // are being served from is no transfer.
                        ForEach(model.services.filter { $0.id != current.serviceId }, id: \.id) { service in
                            Button {
                                Task {
                                    await model.transfer(toService: service.id)
                                    if model.problem == nil { dismiss() }
                                }
                            } label: {
                                HStack {
                                    Text(verbatim: "\(service.code) · \(service.name)")
                                    Spacer()
                                    if !service.open {
                                        Text("services.closed")
                                            .foregroundStyle(.secondary)
                                    }
                                }
                            }
                            .disabled(model.pending != nil)
                        }
                    } header: {
                        Text("transfer.to")
                    }
                } else {
                    Text("counter.nobody_called")
                }
                if let problem = model.problem {
                    Text(verbatim: ProblemText.describe(problem))
                        .foregroundStyle(.red)
                }
            }
            .overlay {
                if model.pending == .transfer { ProgressView() }
            }
            .navigationTitle("counter.transfer")
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .cancellationAction) {
                    Button("common.cancel") { dismiss() }
                }
            }
            .task {
                if model.services.isEmpty { await model.loadServices() }
            }
        }
        .presentationDetents([.medium, .large])
    }
}
