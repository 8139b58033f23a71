// The staff app's process: owns the one StaffCore the screens use.
package id.giliran.staff

import android.app.Application

class StaffApplication : Application() {
    lateinit var core: StaffCore
        private set

    override fun onCreate() {
        super.onCreate()
        core = StaffCore(this)
    }
}

val android.content.Context.staffCore: StaffCore
    get() = (applicationContext as StaffApplication).core
