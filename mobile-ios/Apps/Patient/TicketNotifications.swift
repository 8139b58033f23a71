// Local notifications for the core's patient notices: near and called are time-sensitive with
// sound, so they break through a Focus; finished and transferred are ordinary. While the app is
// suspended iOS stops its connection, so these come while the app runs or was just left.
import GiliranCore
import UserNotifications

struct TicketNotifications {
    private var center: UNUserNotificationCenter { .current() }

    /// iOS shows the prompt the first time only; later calls just answer.
    func askPermission() async {
        _ = try? await center.requestAuthorization(options: [.alert, .sound, .badge])
    }

    func post(_ notice: PatientNotice) {
        let text = TicketText.notification(notice)
        let content = UNMutableNotificationContent()
        content.title = text.title
        content.body = text.body
        content.sound = .default
        content.threadIdentifier = "giliran-ticket"
        switch notice {
        case .near, .called:
            content.interruptionLevel = .timeSensitive
        case .transferred, .finished:
            content.interruptionLevel = .active
        }
        // Shown at once; an identifier per notice so a recall does not replace the first call.
        let request = UNNotificationRequest(identifier: UUID().uuidString, content: content, trigger: nil)
        center.add(request) { _ in }
    }
}
