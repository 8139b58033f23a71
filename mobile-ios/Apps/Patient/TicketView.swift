// The live ticket: the big number, its status, people ahead and the estimate while waiting,
// the counter to go to when called; the last known state, marked offline, when the network is
// gone. Cancel while waiting; a finished ticket offers a new one.
import GiliranCore
import GiliranKit
import SwiftUI

struct TicketView: View {
    let model: PatientModel
    let ticket: TicketInfo
    @State private var confirmingCancel = false

    var body: some View {
        ScrollView {
            VStack(spacing: 24) {
                if ticket.active {
                    LiveBadge(state: model.live)
                }
                card
                if ticket.status == .waiting {
                    Button(role: .destructive) {
                        confirmingCancel = true
                    } label: {
                        Text("ticket.cancel")
                            .frame(maxWidth: .infinity)
                    }
                    .buttonStyle(.bordered)
                    .controlSize(.large)
                    .disabled(model.isBusy)
                } else if !ticket.active {
                    Button {
                        model.closeTicket()
                    } label: {
                        Text("ticket.new")
                            .frame(maxWidth: .infinity)
                    }
                    .buttonStyle(.borderedProminent)
                    .controlSize(.large)
                }
                if ticket.active {
                    Text("ticket.keep_open")
                        .font(.footnote)
                        .foregroundStyle(.secondary)
                        .multilineTextAlignment(.center)
                }
            }
            .padding()
        }
        .navigationTitle("ticket.title")
        .confirmationDialog("ticket.cancel.confirm", isPresented: $confirmingCancel, titleVisibility: .visible) {
            Button("ticket.cancel", role: .destructive) {
                Task { await model.cancelTicket() }
            }
        }
        .sensoryFeedback(.warning, trigger: ticket.status) { _, now in now == .called }
    }

    private var card: some View {
        VStack(spacing: 12) {
            Text(verbatim: TicketText.status(ticket.status))
                .font(.title3.weight(.semibold))
                .foregroundStyle(ticket.status == .called ? Color.white : Color.secondary)
            Text(verbatim: ticket.number)
                .font(.system(size: 88, weight: .heavy, design: .rounded).monospacedDigit())
                .minimumScaleFactor(0.5)
                .lineLimit(1)
                .foregroundStyle(ticket.status == .called ? Color.white : Color.primary)
                .accessibilityLabel(Text("ticket.number \(ticket.number)"))
            if let detail = TicketText.detail(ticket) {
                Text(verbatim: detail)
                    .font(.title2.weight(.semibold))
                    .multilineTextAlignment(.center)
                    .foregroundStyle(ticket.status == .called ? Color.white : Color.primary)
            }
            if ticket.status == .waiting, let eta = ticket.etaSeconds {
                Text(verbatim: TicketText.eta(seconds: eta))
                    .font(.headline)
                    .foregroundStyle(.secondary)
            }
            if let name = ticket.patientName {
                Text(verbatim: name)
                    .font(.subheadline)
                    .foregroundStyle(ticket.status == .called ? Color.white.opacity(0.8) : Color.secondary)
            }
        }
        .frame(maxWidth: .infinity)
        .padding(.vertical, 32)
        .padding(.horizontal)
        .background(
            ticket.status == .called ? Color.green : Color(uiColor: .secondarySystemBackground),
            in: RoundedRectangle(cornerRadius: 24)
        )
        .accessibilityElement(children: .combine)
    }
}
