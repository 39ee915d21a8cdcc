function Get-KonnektLog {
    <#
    .SYNOPSIS
    Shows the last lines of the Konnekt daemon's log.
    .DESCRIPTION
    Calls log.tail and returns one Konnekt.LogEntry per line, oldest first: time, level,
    component, tenant, message and the full record (Data). Secrets are redacted by the daemon
    before they are written. With -Raw the JSON lines are returned as strings.
    .PARAMETER Tail
    How many lines to read (1 to 10000). Default 100.
    .PARAMETER Level
    Only entries at this level or more severe: trace, debug, info, warn, error, fatal.
    .PARAMETER Raw
    Return the raw JSON lines.
    .EXAMPLE
    Get-KonnektLog -Tail 20

    Shows the last 20 log entries.
    .EXAMPLE
    Get-KonnektLog -Tail 1000 -Level warn | Format-List

    Shows recent warnings and errors in full.
    .INPUTS
    None.
    .OUTPUTS
    Konnekt.LogEntry, or System.String with -Raw.
    .LINK
    Get-KonnektStatus
    #>
    [CmdletBinding()]
    [OutputType('Konnekt.LogEntry', [string])]
    param(
        [Parameter(Position = 0)]
        [ValidateRange(1, 10000)]
        [int]$Tail = 100,

        [ValidateSet('trace', 'debug', 'info', 'warn', 'error', 'fatal')]
        [string]$Level,

        [switch]$Raw
    )
    $levels = @{ 10 = 'trace'; 20 = 'debug'; 30 = 'info'; 40 = 'warn'; 50 = 'error'; 60 = 'fatal' }
    $minimum = 0
    if ($Level) { foreach ($k in $levels.Keys) { if ($levels[$k] -eq $Level) { $minimum = $k } } }
    try {
        $result = Invoke-KonnektRpc -Method 'log.tail' -Params @{ lines = $Tail }
    } catch {
        $PSCmdlet.WriteError((ConvertTo-KonnektErrorRecord -ErrorRecord $_))
        return
    }
    foreach ($line in @($result.lines)) {
        if (-not $line) { continue }
        $record = $null
        try { $record = ConvertFrom-Json -InputObject $line } catch { $record = $null }
        if ($null -eq $record) {
            # A line that is not JSON (a crash message written by the runtime): show it as it is.
            if ($Raw) { $line } elseif ($minimum -eq 0) {
                ConvertTo-KonnektObject -InputObject ([pscustomobject]@{ time = $null; level = ''; component = ''; tenant = ''; message = $line; data = $null }) -TypeName 'Konnekt.LogEntry'
            }
            continue
        }
        $p = $record.PSObject.Properties
        $number = if ($p['level'] -and $record.level -is [ValueType]) { [int]$record.level } else { 0 }
        if ($number -lt $minimum) { continue }
        if ($Raw) { $line; continue }
        $name = if ($levels.ContainsKey($number)) { $levels[$number] } else { "$number" }
        $time = if ($p['time']) { $record.time } else { $null }
        if ($time -is [string]) { $time = [DateTime]::Parse($time, [System.Globalization.CultureInfo]::InvariantCulture, [System.Globalization.DateTimeStyles]::RoundtripKind) }
        elseif ($time -is [ValueType] -and $time -isnot [DateTime]) { $time = [DateTimeOffset]::FromUnixTimeMilliseconds([long]$time).UtcDateTime }
        $entry = [ordered]@{
            time = $time
            level = $name
            component = if ($p['component']) { [string]$record.component } else { '' }
            tenant = if ($p['tenant']) { [string]$record.tenant } else { '' }
            message = if ($p['msg']) { [string]$record.msg } else { '' }
            data = $record
        }
        ConvertTo-KonnektObject -InputObject ([pscustomobject]$entry) -TypeName 'Konnekt.LogEntry'
    }
}
