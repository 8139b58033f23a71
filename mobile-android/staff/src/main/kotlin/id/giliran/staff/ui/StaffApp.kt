// The staff app's frame: the screen the shared StaffModel says (login, counter picker,
// console), the top bar with the counter and its way out, outcomes and failures as a snackbar.
package id.giliran.staff.ui

import androidx.activity.compose.BackHandler
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.Scaffold
import androidx.compose.material3.SnackbarHost
import androidx.compose.material3.SnackbarHostState
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.material3.TopAppBar
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.remember
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import id.giliran.shared.StaffModel
import id.giliran.shared.StaffScreen
import id.giliran.staff.R
import id.giliran.staff.StaffViewModel

@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun StaffApp(viewModel: StaffViewModel) {
    val state by viewModel.state.collectAsStateWithLifecycle()
    val address by viewModel.address.collectAsStateWithLifecycle()
    val texts = viewModel.texts
    val screen = StaffModel.screen(state)
    val snackbar = remember { SnackbarHostState() }

    LaunchedEffect(state.outcome, state.problem) {
        val message = state.problem?.message ?: state.outcome
        if (message != null) {
            snackbar.showSnackbar(message)
            viewModel.messagesSeen()
        }
    }
    BackHandler(enabled = screen == StaffScreen.CONSOLE) { viewModel.leaveCounter() }

    Scaffold(
        topBar = {
            TopAppBar(
                title = {
                    Text(
                        when (screen) {
                            StaffScreen.LOGIN -> stringResource(R.string.app_name)
                            StaffScreen.COUNTER_PICKER -> stringResource(R.string.pick_counter)
                            StaffScreen.CONSOLE -> state.queue?.counter?.name
                                ?: state.counters.firstOrNull { it.id == state.counterId }?.name.orEmpty()
                        },
                    )
                },
                actions = {
                    if (screen == StaffScreen.CONSOLE && state.counters.size > 1) {
                        TextButton(onClick = viewModel::leaveCounter) { Text(stringResource(R.string.change_counter)) }
                    }
                    if (screen != StaffScreen.LOGIN) {
                        TextButton(onClick = viewModel::logout) { Text(stringResource(R.string.logout)) }
                    }
                },
            )
        },
        snackbarHost = { SnackbarHost(snackbar) },
    ) { padding ->
        Box(Modifier.fillMaxSize().padding(padding)) {
            if (state.busy || state.running != null) LinearProgressIndicator(Modifier.align(Alignment.TopCenter))
            when (screen) {
                StaffScreen.LOGIN -> LoginScreen(address, state.busy, viewModel::login)
                StaffScreen.COUNTER_PICKER -> CounterPickerScreen(state.counters, texts, viewModel::pickCounter)
                StaffScreen.CONSOLE -> {
                    val console = StaffModel.console(state, texts)
                    if (console == null) {
                        CircularProgressIndicator(Modifier.align(Alignment.Center))
                    } else {
                        ConsoleScreen(console, onAction = viewModel::act)
                    }
                }
            }
        }
    }
}
