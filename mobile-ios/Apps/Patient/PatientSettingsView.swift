// The patient app's settings: the hospital's server (typed or scanned) and where to change the
// app's language and notifications, which iOS keeps in the system Settings.
import SwiftUI

struct PatientSettingsView: View {
    @Binding var serverAddress: String

    var body: some View {
        NavigationStack {
            ServerAddressForm(serverAddress: $serverAddress)
                .safeAreaInset(edge: .bottom) {
                    if let settings = URL(string: UIApplication.openSettingsURLString) {
                        Link(destination: settings) {
                            Label("settings.system", systemImage: "globe")
                        }
                        .padding()
                    }
                }
                .navigationTitle("tab.settings")
        }
    }
}
