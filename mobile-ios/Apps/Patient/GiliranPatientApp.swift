// The patient app's entry: one window, the saved server address, and the notification
// delegate that lets a call show as a banner with sound while the app is open.
import SwiftUI
import UserNotifications

@main
struct GiliranPatientApp: App {
    @UIApplicationDelegateAdaptor(PatientAppDelegate.self) private var appDelegate
    @AppStorage("serverAddress") private var serverAddress = ""

    var body: some Scene {
        WindowGroup {
            PatientRootView(serverAddress: $serverAddress)
        }
    }
}

final class PatientAppDelegate: NSObject, UIApplicationDelegate, UNUserNotificationCenterDelegate {
    func application(
        _ application: UIApplication,
        didFinishLaunchingWithOptions launchOptions: [UIApplication.LaunchOptionsKey: Any]? = nil
    ) -> Bool {
        // Set before launch ends, as UserNotifications asks, so no notification is missed.
        UNUserNotificationCenter.current().delegate = self
        return true
    }

    /// A patient looking at another screen of the app must still hear "your number is called".
    func userNotificationCenter(
        _ center: UNUserNotificationCenter,
        willPresent notification: UNNotification,
        withCompletionHandler completionHandler: @escaping (UNNotificationPresentationOptions) -> Void
    ) {
        completionHandler([.banner, .list, .sound])
    }
}
