// Staff login: username and password for a shift-long session; the server it goes to is shown,
// with a way to change it.
import GiliranCore
import GiliranKit
import SwiftUI

@MainActor
struct LoginView: View {
    let model: StaffModel
    let serverAddress: String
    let changeServer: () -> Void
    @State private var username = ""
    @State private var password = ""
    @FocusState private var focus: Field?

    private enum Field { case username, password }

    var body: some View {
        NavigationStack {
            Form {
                Section {
                    TextField("login.username", text: $username)
                        .textContentType(.username)
                        .textInputAutocapitalization(.never)
                        .autocorrectionDisabled()
                        .focused($focus, equals: .username)
                        .submitLabel(.next)
                        .onSubmit { focus = .password }
                    SecureField("login.password", text: $password)
                        .textContentType(.password)
                        .focused($focus, equals: .password)
                        .submitLabel(.go)
                        .onSubmit(login)
                }
                if let problem = model.problem {
                    Section {
                        Text(verbatim: ProblemText.describe(problem))
                            .foregroundStyle(.red)
                    }
                }
                Section {
                    Button(action: login) {
                        HStack {
                            Text("login.submit")
                            if model.isLoggingIn {
                                Spacer()
                                ProgressView()
                            }
                        }
                    }
                    .disabled(username.isEmpty || password.isEmpty || model.isLoggingIn)
                }
                Section {
                    LabeledContent("login.server") {
                        Text(verbatim: serverAddress)
                    }
                    Button("server.change", action: changeServer)
                }
            }
            .frame(maxWidth: 560)
            .frame(maxWidth: .infinity)
            .navigationTitle("login.title")
            .onAppear { focus = .username }
        }
    }

    private func login() {
        guard !username.isEmpty, !password.isEmpty else { return }
        Task {
            await model.login(username: username, password: password)
            if model.user != nil { password = "" }
        }
    }
}
