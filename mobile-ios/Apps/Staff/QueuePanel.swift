// The counter's queue as the core streams it: today's counts, who waits in call order, and
// who was skipped today.
import GiliranCore
import GiliranKit
import SwiftUI

struct QueuePanel: View {
    let queue: CounterQueueInfo?

    var body: some View {
        VStack(alignment: .leading, spacing: 16) {
            HStack(spacing: 12) {
                count("queue.waiting", queue.map { $0.waiting.count })
                count("queue.done_today", queue.map { Int($0.doneToday) })
                count("queue.skipped_today", queue.map { Int($0.skippedToday) })
            }
            Text("queue.waiting_list")
                .font(.headline)
            if let queue {
                if queue.waiting.isEmpty {
                    Text("queue.nobody_waiting")
                        .foregroundStyle(.secondary)
                } else {
                    VStack(spacing: 0) {
                        ForEach(Array(queue.waiting.enumerated()), id: \.element.id) { position, ticket in
                            row(position: position + 1, ticket: ticket)
                            Divider()
                        }
                    }
                }
                if !queue.skipped.isEmpty {
                    Text("queue.skipped_list")
                        .font(.headline)
                        .padding(.top, 8)
                    Text(verbatim: queue.skipped.map(\.number).joined(separator: ", "))
                        .foregroundStyle(.secondary)
                }
            } else {
                ProgressView()
            }
        }
        .frame(maxWidth: .infinity, alignment: .leading)
    }

    private func count(_ title: LocalizedStringKey, _ value: Int?) -> some View {
        VStack(spacing: 4) {
            Text(verbatim: value.map(String.init) ?? "–")
                .font(.title.bold().monospacedDigit())
            Text(title)
                .font(.caption)
                .foregroundStyle(.secondary)
                .multilineTextAlignment(.center)
        }
        .frame(maxWidth: .infinity)
        .padding(.vertical, 12)
        .background(Color(uiColor: .secondarySystemBackground), in: RoundedRectangle(cornerRadius: 12))
        .accessibilityElement(children: .combine)
    }

    private func row(position: Int, ticket: TicketInfo) -> some View {
        HStack {
            Text(verbatim: "\(position).")
                .foregroundStyle(.secondary)
                .frame(width: 32, alignment: .trailing)
            Text(verbatim: ticket.number)
                .font(.title3.bold().monospacedDigit())
            if let name = ticket.patientName {
                Text(verbatim: name)
                    .foregroundStyle(.secondary)
                    .lineLimit(1)
            }
            Spacer()
        }
        .padding(.vertical, 8)
        .accessibilityElement(children: .combine)
    }
}
