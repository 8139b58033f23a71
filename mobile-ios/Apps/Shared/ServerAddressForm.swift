// The hospital server's address, typed or read from the entrance poster's QR code. The core
// turns either into the address the clients use (`serverAddressFromText`); Swift never parses
// addresses. Used by both apps, whose Localizable.strings carry its texts.
import GiliranCore
import GiliranKit
import SwiftUI
import VisionKit

struct ServerAddressForm: View {
    /// The saved address, as the core gave it back.
    @Binding var serverAddress: String
    @State private var typed = ""
    @State private var rejection: String?
    @State private var scanning = false

    var body: some View {
        Form {
            Section {
                TextField("server.placeholder", text: $typed)
                    .textContentType(.URL)
                    .keyboardType(.URL)
                    .textInputAutocapitalization(.never)
                    .autocorrectionDisabled()
                    .submitLabel(.done)
                    .onSubmit { use(typed) }
                if DataScannerViewController.isSupported {
                    Button {
                        scanning = true
                    } label: {
                        Label("server.scan", systemImage: "qrcode.viewfinder")
                    }
                }
            } header: {
                Text("server.title")
            } footer: {
                Text("server.help")
            }
            if let rejection {
                Section {
                    Label {
                        Text(verbatim: rejection)
                    } icon: {
                        Image(systemName: "exclamationmark.triangle.fill")
                    }
                    .foregroundStyle(.red)
                }
            }
            Section {
                Button("server.save") { use(typed) }
                    .disabled(typed.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
            }
        }
        .onAppear { typed = serverAddress }
        .sheet(isPresented: $scanning) {
            QRCodeScannerSheet { code in
                scanning = false
                use(code)
            }
        }
    }

    private func use(_ text: String) {
        do {
            let address = try serverAddressFromText(text: text)
            typed = address
            rejection = nil
            serverAddress = address
        } catch {
            rejection = ProblemText.describe(.from(error))
        }
    }
}

/// The camera, full screen, until it reads a QR code.
struct QRCodeScannerSheet: View {
    let onCode: (String) -> Void
    @Environment(\.dismiss) private var dismiss

    var body: some View {
        NavigationStack {
            Group {
                if DataScannerViewController.isAvailable {
                    QRCodeScanner(onCode: onCode)
                        .ignoresSafeArea()
                } else {
                    ContentUnavailableView {
                        Label("scan.unavailable.title", systemImage: "camera.fill")
                    } description: {
                        Text("scan.unavailable.body")
                    } actions: {
                        if let settings = URL(string: UIApplication.openSettingsURLString) {
                            Link("scan.unavailable.settings", destination: settings)
                        }
                    }
                }
            }
            .navigationTitle("server.scan")
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .cancellationAction) {
                    Button("common.cancel") { dismiss() }
                }
            }
        }
    }
}
