// Choosing the counter to work at: big tiles, a paused one marked, the last one preselected by
// the shared rules (the core's last_counter) so this screen is usually skipped.
package id.giliran.staff.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.grid.GridCells
import androidx.compose.foundation.lazy.grid.LazyVerticalGrid
import androidx.compose.foundation.lazy.grid.items
import androidx.compose.material3.Card
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import id.giliran.shared.Texts
import id.giliran.staff.R
import uniffi.giliran_core.CounterInfo

@Composable
fun CounterPickerScreen(counters: List<CounterInfo>, texts: Texts, onPick: (String) -> Unit, modifier: Modifier = Modifier) {
    if (counters.isEmpty()) {
        Box(modifier.fillMaxSize().padding(24.dp), contentAlignment = Alignment.Center) {
            Text(stringResource(R.string.no_counters), style = MaterialTheme.typography.bodyLarge)
        }
        return
    }
    LazyVerticalGrid(
        columns = GridCells.Adaptive(minSize = 200.dp),
        contentPadding = PaddingValues(24.dp),
        horizontalArrangement = Arrangement.spacedBy(16.dp),
        verticalArrangement = Arrangement.spacedBy(16.dp),
        modifier = modifier.fillMaxSize(),
    ) {
        items(counters, key = { it.id }) { counter ->
            Card(onClick = { onPick(counter.id) }, modifier = Modifier.fillMaxWidth().heightIn(min = 120.dp)) {
                Column(Modifier.padding(20.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                    Text(counter.name, style = MaterialTheme.typography.headlineSmall)
                    if (counter.paused) Text(texts.paused, style = MaterialTheme.typography.bodyMedium)
                }
            }
        }
    }
}
