// The patient app's Material 3 theme: a calm clinical teal, the phone's dynamic colours on
// Android 12+, and a strong amber for a called ticket that no one can miss.
package id.giliran.patient.ui

import android.os.Build
import androidx.compose.foundation.isSystemInDarkTheme
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.darkColorScheme
import androidx.compose.material3.dynamicDarkColorScheme
import androidx.compose.material3.dynamicLightColorScheme
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.platform.LocalContext

/** The called ticket's colours: the same in light and dark, so "go now" always looks the same. */
val CalledContainer = Color(0xFFFFB300)
val OnCalledContainer = Color(0xFF1F1300)

private val Light = lightColorScheme(primary = Color(0xFF00695C), secondary = Color(0xFF4A635F))
private val Dark = darkColorScheme(primary = Color(0xFF80CBC4), secondary = Color(0xFFB1CCC6))

@Composable
fun PatientTheme(dark: Boolean = isSystemInDarkTheme(), content: @Composable () -> Unit) {
    val colors = when {
        Build.VERSION.SDK_INT >= Build.VERSION_CODES.S ->
            if (dark) dynamicDarkColorScheme(LocalContext.current) else dynamicLightColorScheme(LocalContext.current)
        dark -> Dark
        else -> Light
    }
    MaterialTheme(colorScheme = colors, content = content)
}
