function Invoke-KonnektNotification {
    <#
    .SYNOPSIS
    Shows a notification the daemon sent while a request was running.
    .DESCRIPTION
    progress -> Write-Progress (one progress bar per token); tenant.needsSignIn, item.conflict and
    upload.failed -> Write-Warning (the user must act or know); anything else -> Write-Verbose.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [object]$Notification
    )
    $method = [string]$Notification.method
    $p = if ($Notification.PSObject.Properties['params'] -and $null -ne $Notification.params) { $Notification.params } else { [pscustomobject]@{} }
    $get = { param($name) if ($p.PSObject.Properties[$name]) { $p.$name } else { $null } }
    switch -CaseSensitive ($method) {
        'progress' {
            $token = [string](& $get 'token')
            $kind = [string](& $get 'kind')
            $title = [string](& $get 'title')
            $activity = if ($title) { $title } else { "Konnekt $kind" }
            $done = & $get 'done'
            $total = & $get 'total'
            $message = [string](& $get 'message')
            $status = if ($message) { $message } elseif ($null -ne $total) { "$done of $total" } else { "$done" }
            $id = ([System.Math]::Abs($token.GetHashCode()) % 100000) + 1
            $progress = @{ Id = $id; Activity = $activity; Status = $status }
            if ($null -ne $total -and [double]$total -gt 0) {
                $progress.PercentComplete = [int][System.Math]::Min(100, [System.Math]::Floor(100 * [double]$done / [double]$total))
            }
            if (& $get 'finished') { $progress.Completed = $true }
            Write-Progress @progress
        }
        'tenant.needsSignIn' {
            $text = "Konnekt tenant '$(& $get 'tenant')' needs sign-in: $(& $get 'message')"
            $code = & $get 'deviceCode'
            if ($null -ne $code -and $text -notmatch [regex]::Escape([string]$code.userCode)) {
                $text += " Open $($code.verificationUri) and enter the code $($code.userCode)."
            }
            $url = [string](& $get 'browserUrl')
            if ($url -and $text -notmatch [regex]::Escape($url)) { $text += " Open $url to sign in." }
            Write-Warning -Message $text
        }
        'item.conflict' {
            Write-Warning -Message "Konnekt: '$(& $get 'path')' was changed on the server too; your version was kept as '$(& $get 'conflictCopy')'."
        }
        'upload.failed' {
            $err = & $get 'error'
            $why = if ($null -ne $err -and $err.PSObject.Properties['message']) { "$($err.message) ($($err.code))" } elseif ($null -ne $err) { [string]$err.code } else { 'unknown error' }
            Write-Warning -Message "Konnekt: the upload of '$(& $get 'path')' failed: $why"
        }
        default {
            Write-Verbose -Message "Konnekt event $method $(ConvertTo-Json -InputObject $p -Depth 10 -Compress)"
        }
    }
}
