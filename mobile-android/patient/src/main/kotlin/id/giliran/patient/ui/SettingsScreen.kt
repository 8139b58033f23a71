// The server address: typed (as printed on the poster) or scanned from its QR code. The core
// reads either (server_address_from_text); this screen only shows what it answered.
package id.giliran.patient.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.text.KeyboardActions
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.input.ImeAction
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import id.giliran.patient.R

@Composable
fun SettingsScreen(
    savedAddress: String?,
    setupNeeded: Boolean,
    onSave: (String) -> Unit,
    onScan: () -> Unit,
    modifier: Modifier = Modifier,
) {
    var text by rememberSaveable { mutableStateOf(savedAddress.orEmpty()) }
    // The address saved from a scan arrives after this screen opened: show it in the field.
    LaunchedEffect(savedAddress) { savedAddress?.let { text = it } }
    Column(modifier.padding(24.dp), verticalArrangement = Arrangement.spacedBy(16.dp)) {
        if (setupNeeded) Text(stringResource(R.string.setup_needed), style = MaterialTheme.typography.bodyLarge)
        Button(onClick = onScan, modifier = Modifier.fillMaxWidth()) { Text(stringResource(R.string.scan_qr)) }
        OutlinedTextField(
            value = text,
            onValueChange = { text = it },
            label = { Text(stringResource(R.string.server_address)) },
            placeholder = { Text(stringResource(R.string.server_address_hint)) },
            singleLine = true,
            keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Uri, imeAction = ImeAction.Done),
            keyboardActions = KeyboardActions(onDone = { onSave(text) }),
            modifier = Modifier.fillMaxWidth(),
        )
        OutlinedButton(onClick = { onSave(text) }, enabled = text.isNotBlank(), modifier = Modifier.fillMaxWidth()) {
            Text(stringResource(R.string.save))
        }
    }
}
