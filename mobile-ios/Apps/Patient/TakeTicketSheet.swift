// Taking a number: name and phone are optional (nothing is asked that the hospital does not
// need); a phone number lets the hospital find the ticket and keeps one ticket per patient.
import GiliranCore
import GiliranKit
import SwiftUI

struct TakeTicketSheet: View {
    let model: PatientModel
    let service: ServiceInfo
    @State private var name = ""
    @State private var phone = ""
    @Environment(\.dismiss) private var dismiss

    var body: some View {
        NavigationStack {
            Form {
                Section {
                    LabeledContent("take.service") {
                        Text(verbatim: "\(service.code) · \(service.name)")
                    }
                    LabeledContent("take.waiting") {
                        Text(verbatim: "\(service.waiting)")
                    }
                }
                Section {
                    TextField("take.name", text: $name)
                        .textContentType(.name)
                    TextField("take.phone", text: $phone)
                        .textContentType(.telephoneNumber)
                        .keyboardType(.phonePad)
                } header: {
                    Text("take.optional")
                } footer: {
                    Text("take.privacy")
                }
                if let problem = model.problem {
                    Section {
                        Text(verbatim: ProblemText.describe(problem))
                            .foregroundStyle(.red)
                    }
                }
            }
            .navigationTitle("take.title")
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .cancellationAction) {
                    Button("common.cancel") { dismiss() }
                }
                ToolbarItem(placement: .confirmationAction) {
                    if model.isBusy {
                        ProgressView()
                    } else {
                        Button("take.confirm") {
                            Task {
                                await model.takeTicket(serviceId: service.id, name: name, phone: phone)
                                if model.ticket != nil { dismiss() }
                            }
                        }
                    }
                }
            }
            .onAppear { model.dismissProblem() }
        }
        .presentationDetents([.medium, .large])
    }
}
