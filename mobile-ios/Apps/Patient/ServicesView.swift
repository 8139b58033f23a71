// The services a patient can queue for, as the server reports them now: how many wait, the
// quota left today, and which take no tickets now (closed, or outside their hours); tapping one
// that accepts takes a number.
import GiliranCore
import GiliranKit
import SwiftUI

struct ServicesView: View {
    let model: PatientModel
    @State private var choosing: ServiceInfo?

    var body: some View {
        List {
            Section {
                ForEach(model.services, id: \.id) { service in
                    Button {
                        choosing = service
                    } label: {
                        ServiceRow(service: service)
                    }
                    .disabled(!service.accepting || model.isBusy)
                }
            } footer: {
                Text("services.footer")
            }
        }
        .overlay {
            if model.services.isEmpty {
                ContentUnavailableView {
                    Label("services.empty.title", systemImage: "building.2")
                } description: {
                    Text("services.empty.body")
                } actions: {
                    Button("common.retry") { Task { await model.refreshServices() } }
                }
            }
        }
        .refreshable { await model.refreshServices() }
        .navigationTitle("services.title")
        .sheet(item: $choosing.identified) { choice in
            TakeTicketSheet(model: model, service: choice.service)
        }
    }
}

private struct ServiceRow: View {
    let service: ServiceInfo

    var body: some View {
        HStack(spacing: 16) {
            Text(verbatim: service.code)
                .font(.title2.bold().monospaced())
                .frame(width: 52, height: 52)
                .background(Color.accentColor.opacity(0.15), in: RoundedRectangle(cornerRadius: 12))
            VStack(alignment: .leading, spacing: 4) {
                Text(verbatim: service.name)
                    .font(.headline)
                    .foregroundStyle(.primary)
                if service.accepting {
                    Text("services.waiting \(Int(service.waiting))")
                        .foregroundStyle(.secondary)
                    if let left = service.quotaLeft {
                        Text("services.quota_left \(Int(left))")
                            .foregroundStyle(left == 0 ? Color.red : Color.secondary)
                    }
                } else if service.open, let opens = service.opensAt, let closes = service.closesAt {
                    Text("services.outside_hours \(opens) \(closes)")
                        .foregroundStyle(.red)
                } else {
                    Text("services.closed")
                        .foregroundStyle(.red)
                }
            }
            .font(.subheadline)
            Spacer()
            if service.accepting {
                Image(systemName: "chevron.right")
                    .foregroundStyle(.tertiary)
            }
        }
        .padding(.vertical, 4)
        .accessibilityElement(children: .combine)
    }
}

/// `ServiceInfo` is the core's record and not Identifiable; a sheet needs an identity.
struct IdentifiedService: Identifiable {
    let service: ServiceInfo
    var id: String { service.id }
}

extension Binding where Value == ServiceInfo? {
    var identified: Binding<IdentifiedService?> {
        Binding<IdentifiedService?>(
            get: { wrappedValue.map(IdentifiedService.init) },
            set: { wrappedValue = $0?.service }
        )
    }
}
