// Runs the core's blocking calls (each is a network round trip, seconds long on hospital Wi-Fi)
// off the main thread, so the screens never freeze while the server answers.
import Foundation

enum CoreCalls {
    /// A queue of our own rather than `Task.detached`: the cooperative pool has as many threads as
    /// cores, and a blocking call parked on one of them starves every other task. Concurrent, so
    /// a slow services list does not hold up the staff's Call next.
    private static let queue = DispatchQueue(
        label: "id.giliran.core-calls",
        qos: .userInitiated,
        attributes: .concurrent
    )

    /// `work` on the core's queue; its result (or the error it threw) back to the caller.
    static func run<T>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}
