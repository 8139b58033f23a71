// The patient app's frame: the top bar, the screens and the way between them, failures as a
// snackbar, and the notification permission asked for once a ticket is being followed.
package id.giliran.patient.ui

import android.Manifest
import android.content.Intent
import android.os.Build
import android.provider.Settings
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.foundation.layout.padding
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.ArrowBack
import androidx.compose.material.icons.automirrored.filled.List
import androidx.compose.material.icons.filled.Refresh
import androidx.compose.material.icons.filled.Settings
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.Scaffold
import androidx.compose.material3.SnackbarHost
import androidx.compose.material3.SnackbarHostState
import androidx.compose.material3.Text
import androidx.compose.material3.TopAppBar
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.core.app.NotificationManagerCompat
import androidx.lifecycle.compose.LifecycleResumeEffect
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.navigation.NavHostController
import androidx.navigation.compose.NavHost
import androidx.navigation.compose.composable
import androidx.navigation.compose.currentBackStackEntryAsState
import androidx.navigation.compose.rememberNavController
import id.giliran.patient.PatientViewModel
import id.giliran.patient.R
import id.giliran.patient.Setup
import id.giliran.shared.ServicePresenter
import id.giliran.shared.TicketPresenter

private object Routes {
    const val HOME = "home"
    const val HISTORY = "history"
    const val SETTINGS = "settings"
    const val SCAN = "scan"
}

@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun PatientApp(viewModel: PatientViewModel, navController: NavHostController = rememberNavController()) {
    val state by viewModel.state.collectAsStateWithLifecycle()
    val setup by viewModel.setup.collectAsStateWithLifecycle()
    val address by viewModel.address.collectAsStateWithLifecycle()
    val texts = viewModel.texts
    val snackbar = remember { SnackbarHostState() }
    val route = navController.currentBackStackEntryAsState().value?.destination?.route ?: Routes.HOME
    val notifications = rememberNotificationPermission(asking = state.ticket != null)

    LaunchedEffect(state.problem) {
        state.problem?.let {
            snackbar.showSnackbar(it.message)
            viewModel.problemSeen()
        }
    }
    LaunchedEffect(setup) {
        if (setup == Setup.NEEDED && route == Routes.HOME) navController.navigate(Routes.SETTINGS)
    }

    Scaffold(
        topBar = {
            TopAppBar(
                title = {
                    Text(
                        stringResource(
                            when (route) {
                                Routes.HISTORY -> R.string.history_title
                                Routes.SETTINGS -> R.string.settings_title
                                Routes.SCAN -> R.string.scanner_title
                                else -> if (state.ticket != null) R.string.ticket_title else R.string.services_title
                            },
                        ),
                    )
                },
                navigationIcon = {
                    if (route != Routes.HOME) {
                        IconButton(onClick = { navController.popBackStack() }) {
                            Icon(Icons.AutoMirrored.Filled.ArrowBack, contentDescription = stringResource(R.string.back))
                        }
                    }
                },
                actions = {
                    if (route == Routes.HOME) {
                        if (state.ticket == null) {
                            IconButton(onClick = viewModel::refreshServices) {
                                Icon(Icons.Filled.Refresh, contentDescription = stringResource(R.string.refresh))
                            }
                        }
                        IconButton(onClick = {
                            viewModel.loadHistory()
                            navController.navigate(Routes.HISTORY)
                        }) {
                            Icon(Icons.AutoMirrored.Filled.List, contentDescription = stringResource(R.string.history_title))
                        }
                        IconButton(onClick = { navController.navigate(Routes.SETTINGS) }) {
                            Icon(Icons.Filled.Settings, contentDescription = stringResource(R.string.settings_title))
                        }
                    }
                },
            )
        },
        snackbarHost = { SnackbarHost(snackbar) },
    ) { padding ->
        if (state.busy) LinearProgressIndicator(Modifier.padding(padding))
        NavHost(navController, startDestination = Routes.HOME, modifier = Modifier.padding(padding)) {
            composable(Routes.HOME) {
                val ticket = state.ticket
                if (ticket != null) {
                    TicketScreen(
                        screen = TicketPresenter(texts).screen(ticket, state.online),
                        busy = state.busy,
                        notificationsOff = !notifications.granted,
                        onAllowNotifications = notifications.ask,
                        onCancel = viewModel::cancelTicket,
                        onNewTicket = viewModel::dismissTicket,
                    )
                } else {
                    ServicesScreen(
                        rows = ServicePresenter(texts).rows(state.services),
                        busy = state.busy,
                        onTake = viewModel::takeTicket,
                    )
                }
            }
            composable(Routes.HISTORY) {
                val presenter = TicketPresenter(texts)
                HistoryScreen(state.history.map { presenter.screen(it) })
            }
            composable(Routes.SETTINGS) {
                SettingsScreen(
                    savedAddress = address,
                    setupNeeded = setup == Setup.NEEDED,
                    onSave = { text -> viewModel.saveAddress(text) { navController.popBackStack(Routes.HOME, inclusive = false) } },
                    onScan = { navController.navigate(Routes.SCAN) },
                )
            }
            composable(Routes.SCAN) {
                QrScanner(onText = { text ->
                    // Back to the settings either way: they show the saved address, the snackbar
                    // says why a code was refused.
                    navController.popBackStack()
                    viewModel.saveAddress(text)
                })
            }
        }
    }
}

/** Whether notifications reach the patient, and the way to turn them on. */
class NotificationPermission(val granted: Boolean, val ask: () -> Unit)

@Composable
private fun rememberNotificationPermission(asking: Boolean): NotificationPermission {
    val context = LocalContext.current
    fun enabled() = NotificationManagerCompat.from(context).areNotificationsEnabled()
    var granted by remember { mutableStateOf(enabled()) }
    // Back from the system settings (or a permission dialog), look again.
    LifecycleResumeEffect(Unit) {
        granted = enabled()
        onPauseOrDispose {}
    }
    val launcher = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) { granted = enabled() }
    // Android 13+ asks at run time: when it matters (a ticket to be told about), not at the first screen.
    LaunchedEffect(asking) {
        if (asking && !granted && Build.VERSION.SDK_INT >= Build.VERSION_CODES.TIRAMISU) {
            launcher.launch(Manifest.permission.POST_NOTIFICATIONS)
        }
    }
    // Once refused, Android shows no dialog again: the app's notification settings always work.
    return NotificationPermission(granted) {
        context.startActivity(
            Intent(Settings.ACTION_APP_NOTIFICATION_SETTINGS).putExtra(Settings.EXTRA_APP_PACKAGE, context.packageName),
        )
    }
}
