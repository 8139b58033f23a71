// The staff app's only activity: draws StaffApp edge to edge and keeps the tablet's screen on
// while a counter is open, as a desk display should.
package id.giliran.staff

import android.os.Bundle
import android.view.WindowManager
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import androidx.lifecycle.viewmodel.compose.viewModel
import id.giliran.staff.ui.StaffApp
import id.giliran.staff.ui.StaffTheme

class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        enableEdgeToEdge()
        window.addFlags(WindowManager.LayoutParams.FLAG_KEEP_SCREEN_ON)
        val core = staffCore
        setContent {
            StaffTheme {
                StaffApp(viewModel { StaffViewModel(core) })
            }
        }
    }
}
