// Every ticket taken on this phone, newest first, as last known: read from the core's local
// store, so it shows without a network.
import GiliranCore
import GiliranKit
import SwiftUI

struct HistoryView: View {
    let model: PatientModel

    var body: some View {
        NavigationStack {
            List(model.history, id: \.id) { ticket in
                HStack {
                    Text(verbatim: ticket.number)
                        .font(.title3.bold().monospacedDigit())
                    Spacer()
                    Text(verbatim: TicketText.status(ticket.status))
                        .foregroundStyle(ticket.active ? Color.accentColor : Color.secondary)
                }
                .accessibilityElement(children: .combine)
            }
            .overlay {
                if model.history.isEmpty {
                    ContentUnavailableView("history.empty", systemImage: "ticket")
                }
            }
            .navigationTitle("history.title")
            .onAppear { model.refreshHistory() }
        }
    }
}
