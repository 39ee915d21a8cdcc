function Get-KonnektStatus {
    <#
    .SYNOPSIS
    Shows what the Konnekt daemon is doing: process, endpoint, configuration problems and tenants.
    .DESCRIPTION
    Returns one Konnekt.Status object from daemon.status. Tenants are Konnekt.Tenant objects. When
    the daemon is not running, writes a daemonUnavailable error (use -ErrorAction Stop in scripts).
    .EXAMPLE
    Get-KonnektStatus

    Shows the daemon's status.
    .EXAMPLE
    (Get-KonnektStatus).Tenants | Where-Object State -ne 'connected'

    Lists tenants that are not connected.
    .INPUTS
    None.
    .OUTPUTS
    Konnekt.Status
    .LINK
    Get-KonnektTenant
    #>
    [CmdletBinding()]
    [OutputType('Konnekt.Status')]
    param()
    try {
        $status = Invoke-KonnektRpc -Method 'daemon.status'
    } catch {
        $PSCmdlet.WriteError((ConvertTo-KonnektErrorRecord -ErrorRecord $_))
        return
    }
    $tenants = @(foreach ($t in @($status.tenants)) { if ($null -ne $t) { ConvertTo-KonnektObject -InputObject $t -TypeName 'Konnekt.Tenant' } })
    ConvertTo-KonnektObject -InputObject $status -TypeName 'Konnekt.Status' -Extra @{ Tenants = $tenants; ConfigErrors = @($status.configErrors) }
}
