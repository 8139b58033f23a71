// The core's one error enum, as the view models keep it for the screens to put into words.
import GiliranCore

extension GiliranError {
    /// What a blocking call threw. The core throws nothing but `GiliranError`; anything else
    /// would be a fault in this layer, shown as an unreadable answer rather than swallowed.
    public static func from(_ error: Error) -> GiliranError {
        (error as? GiliranError) ?? .Protocol(detail: String(describing: error))
    }

    /// The contract's error code when the server refused (`quota_full`, `counter_paused`...).
    public var apiCode: String? {
        if case let .Api(code, _, _) = self { return code }
        return nil
    }

    /// Whether the server could not be reached at all.
    public var isOffline: Bool {
        if case .Network = self { return true }
        return false
    }
}
