// Which counter this tablet works at: the counters this user may use, the one worked at last
// on this device marked first.
import GiliranCore
import GiliranKit
import SwiftUI

@MainActor
struct CounterPickerView: View {
    let model: StaffModel

    var body: some View {
        NavigationStack {
            List {
                if let problem = model.problem {
                    ProblemBanner(problem: problem) { model.dismissProblem() }
                        .listRowInsets(EdgeInsets())
                        .listRowBackground(Color.clear)
                }
                Section {
                    ForEach(ordered, id: \.id) { counter in
                        Button {
                            Task { await model.open(counterId: counter.id) }
                        } label: {
                            HStack {
                                Text(verbatim: counter.name)
                                    .font(.title3.weight(.semibold))
                                Spacer()
                                if counter.paused {
                                    Text("counter.paused")
                                        .foregroundStyle(.orange)
                                }
                                if counter.id == model.lastCounterId {
                                    Text("picker.last")
                                        .foregroundStyle(.secondary)
                                }
                            }
                            .padding(.vertical, 8)
                        }
                    }
                } header: {
                    Text("picker.header")
                }
            }
            .overlay {
                if model.counters.isEmpty {
                    ContentUnavailableView {
                        Label("picker.empty", systemImage: "person.crop.rectangle.stack")
                    } actions: {
                        Button("common.retry") { Task { await model.loadCounters() } }
                    }
                }
            }
            .refreshable { await model.loadCounters() }
            .navigationTitle("picker.title")
            .toolbar {
                ToolbarItem(placement: .topBarTrailing) {
                    Button("login.logout") { Task { await model.logout() } }
                }
            }
        }
    }

    /// The last counter first, then the server's order.
    private var ordered: [CounterInfo] {
        let last = model.counters.filter { $0.id == model.lastCounterId }
        return last + model.counters.filter { $0.id != model.lastCounterId }
    }
}
