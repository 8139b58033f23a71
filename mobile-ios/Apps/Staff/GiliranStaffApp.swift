// The staff app's entry: one window over the saved server address. iPad first (a tablet on
// the desk or in the doctor's room); it also runs on an iPhone.
import SwiftUI

@main
struct GiliranStaffApp: App {
    @AppStorage("serverAddress") private var serverAddress = ""

    var body: some Scene {
        WindowGroup {
            StaffRootView(serverAddress: $serverAddress)
        }
    }
}
