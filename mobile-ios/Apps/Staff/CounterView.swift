// The counter screen: the called number big, Call next bigger, the other actions beside it,
// and the queue live. On an iPad the queue sits to the right; on a phone, below.
import GiliranCore
import GiliranKit
import SwiftUI

@MainActor
struct CounterView: View {
    let model: StaffModel
    @Environment(\.horizontalSizeClass) private var sizeClass
    @State private var transferring = false

    var body: some View {
        NavigationStack {
            Group {
                if sizeClass == .regular {
                    HStack(alignment: .top, spacing: 24) {
                        desk
                            .frame(maxWidth: .infinity)
                        QueuePanel(queue: model.queue)
                            .frame(width: 360)
                    }
                    .padding(24)
                } else {
                    ScrollView {
                        VStack(spacing: 24) {
                            desk
                            QueuePanel(queue: model.queue)
                        }
                        .padding()
                    }
                }
            }
            .safeAreaInset(edge: .top) {
                if let problem = model.problem {
                    ProblemBanner(problem: problem) { model.dismissProblem() }
                }
            }
            .navigationTitle(Text(verbatim: model.counter?.name ?? ""))
            .toolbar {
                ToolbarItem(placement: .topBarLeading) {
                    Button("counter.change") { model.leaveCounter() }
                }
                ToolbarItem(placement: .principal) {
                    LiveBadge(state: model.live)
                }
                ToolbarItem(placement: .topBarTrailing) {
                    Button("login.logout") { Task { await model.logout() } }
                }
            }
            .sheet(isPresented: $transferring) {
                TransferSheet(model: model)
            }
        }
    }

    /// The current ticket and every action on it.
    private var desk: some View {
        VStack(spacing: 20) {
            CurrentTicketCard(current: model.queue?.current, counter: model.counter)
            if let outcome = model.outcome {
                Text(verbatim: StaffText.outcome(outcome))
                    .font(.headline)
                    .foregroundStyle(.secondary)
                    .multilineTextAlignment(.center)
            }
            Button {
                Task { await model.callNext() }
            } label: {
                actionLabel("counter.call_next", systemImage: "megaphone.fill", action: .callNext)
                    .font(.largeTitle.bold())
                    .frame(maxWidth: .infinity, minHeight: 88)
            }
            .buttonStyle(.borderedProminent)
            .keyboardShortcut(.return, modifiers: .command)
            .disabled(model.pending != nil)

            let hasCurrent = model.queue?.current != nil
            Grid(horizontalSpacing: 12, verticalSpacing: 12) {
                GridRow {
                    action("counter.recall", systemImage: "speaker.wave.3.fill", .recall, enabled: hasCurrent) {
                        await model.recall()
                    }
                    .keyboardShortcut("r", modifiers: .command)
                    action("counter.complete", systemImage: "checkmark.circle.fill", .complete, enabled: hasCurrent) {
                        await model.complete()
                    }
                    .keyboardShortcut("d", modifiers: .command)
                }
                GridRow {
                    action("counter.skip", systemImage: "person.fill.xmark", .skip, enabled: hasCurrent) {
                        await model.skip()
                    }
                    Button {
                        transferring = true
                    } label: {
                        actionLabel("counter.transfer", systemImage: "arrow.triangle.branch", action: .transfer)
                            .frame(maxWidth: .infinity, minHeight: 56)
                    }
                    .buttonStyle(.bordered)
                    .disabled(!hasCurrent || model.pending != nil)
                }
            }
            .font(.title3.weight(.semibold))

            if model.counter?.paused == true {
                action("counter.resume", systemImage: "play.fill", .resume, enabled: true) {
                    await model.resume()
                }
                .tint(.green)
                Text("counter.paused.explain")
                    .font(.callout)
                    .foregroundStyle(.orange)
            } else {
                action("counter.pause", systemImage: "pause.fill", .pause, enabled: true) {
                    await model.pause()
                }
                .tint(.orange)
            }
        }
    }

    private func action(
        _ title: LocalizedStringKey,
        systemImage: String,
        _ kind: StaffAction,
        enabled: Bool,
        run: @escaping () async -> Void
    ) -> some View {
        Button {
            Task { await run() }
        } label: {
            actionLabel(title, systemImage: systemImage, action: kind)
                .frame(maxWidth: .infinity, minHeight: 56)
        }
        .buttonStyle(.bordered)
        .disabled(!enabled || model.pending != nil)
    }

    /// The action's label, or a spinner while the server answers it.
    @ViewBuilder
    private func actionLabel(_ title: LocalizedStringKey, systemImage: String, action: StaffAction) -> some View {
        if model.pending == action {
            ProgressView()
        } else {
            Label(title, systemImage: systemImage)
        }
    }
}

/// The number called to this counter now, and what the waiting room hears for it.
private struct CurrentTicketCard: View {
    let current: TicketInfo?
    let counter: CounterInfo?

    var body: some View {
        VStack(spacing: 8) {
            Text("counter.current")
                .font(.headline)
                .foregroundStyle(.secondary)
            if let current {
                Text(verbatim: current.number)
                    .font(.system(size: 96, weight: .heavy, design: .rounded).monospacedDigit())
                    .minimumScaleFactor(0.5)
                    .lineLimit(1)
                if let name = current.patientName {
                    Text(verbatim: name)
                        .font(.title2)
                }
                if current.recalls > 0 {
                    Text("counter.recalls \(Int(current.recalls))")
                        .foregroundStyle(.secondary)
                }
                if let counter, let spoken = StaffText.announcement(number: current.number, counter: counter) {
                    Text(verbatim: "“\(spoken)”")
                        .font(.callout)
                        .italic()
                        .foregroundStyle(.secondary)
                        .multilineTextAlignment(.center)
                }
            } else {
                Text(verbatim: "—")
                    .font(.system(size: 96, weight: .heavy, design: .rounded))
                    .foregroundStyle(.tertiary)
                Text("counter.nobody_called")
                    .foregroundStyle(.secondary)
            }
        }
        .frame(maxWidth: .infinity)
        .padding(24)
        .background(Color(uiColor: .secondarySystemBackground), in: RoundedRectangle(cornerRadius: 24))
        .accessibilityElement(children: .combine)
    }
}
