// The one place a failure from the core becomes words on screen, in each app's language.
// Codes the apps meet often get our own sentence; any other refusal shows the server's message.
import GiliranCore
import GiliranKit
import SwiftUI

enum ProblemText {
    static func describe(_ error: GiliranError) -> String {
        switch error {
        case let .Api(code, detail, _):
            return refusal(code) ?? detail
        case .Network:
            return String(localized: "problem.offline")
        case .Protocol:
            return String(localized: "problem.protocol")
        case let .Config(detail):
            return String(localized: "problem.config \(detail)")
        case .Storage:
            return String(localized: "problem.storage")
        }
    }

    private static func refusal(_ code: String) -> String? {
        switch code {
        case "service_closed": return String(localized: "problem.service_closed")
        case "quota_full": return String(localized: "problem.quota_full")
        case "rate_limited": return String(localized: "problem.rate_limited")
        case "invalid_credentials": return String(localized: "problem.invalid_credentials")
        case "unauthorized": return String(localized: "problem.unauthorized")
        case "forbidden": return String(localized: "problem.forbidden")
        case "counter_paused": return String(localized: "problem.counter_paused")
        case "no_current_ticket": return String(localized: "problem.no_current_ticket")
        case "invalid_transition": return String(localized: "problem.invalid_transition")
        case "timeout", "unavailable": return String(localized: "problem.unavailable")
        default: return nil
        }
    }
}

/// A failure across the top of a screen, dismissable.
struct ProblemBanner: View {
    let problem: GiliranError
    let dismiss: () -> Void

    var body: some View {
        HStack(alignment: .firstTextBaseline, spacing: 12) {
            Image(systemName: problem.isOffline ? "wifi.slash" : "exclamationmark.triangle.fill")
            Text(verbatim: ProblemText.describe(problem))
                .frame(maxWidth: .infinity, alignment: .leading)
            Button(action: dismiss) {
                Image(systemName: "xmark")
            }
            .accessibilityLabel(Text("common.close"))
        }
        .font(.callout)
        .foregroundStyle(.white)
        .padding(12)
        .background(problem.isOffline ? Color.orange : Color.red, in: RoundedRectangle(cornerRadius: 12))
        .padding(.horizontal)
    }
}

/// "Live" or "offline, last known state", for the patient's ticket and the staff's queue.
struct LiveBadge: View {
    let state: LiveState

    var body: some View {
        switch state {
        case .online:
            Label("live.online", systemImage: "dot.radiowaves.left.and.right")
                .font(.caption.weight(.semibold))
                .foregroundStyle(.green)
        case .connecting:
            Label("live.connecting", systemImage: "arrow.triangle.2.circlepath")
                .font(.caption.weight(.semibold))
                .foregroundStyle(.secondary)
        case .offline:
            Label("live.offline", systemImage: "wifi.slash")
                .font(.caption.weight(.semibold))
                .foregroundStyle(.orange)
        }
    }
}
