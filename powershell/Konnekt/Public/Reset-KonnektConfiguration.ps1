function Reset-KonnektConfiguration {
    <#
    .SYNOPSIS
    Removes the user's value of a Konnekt setting, so its default applies again.
    .DESCRIPTION
    Calls config.unset. A setting fixed by machine policy cannot be reset (PermissionDenied).
    .PARAMETER Key
    The dotted setting name. Accepts pipeline input (strings, or Konnekt.Setting objects by Key).
    .PARAMETER PassThru
    Return the setting after the reset.
    .PARAMETER WhatIf
    Shows what would happen without resetting.
    .PARAMETER Confirm
    Asks for confirmation before resetting.
    .EXAMPLE
    Reset-KonnektConfiguration -Key logLevel

    Goes back to the default log level.
    .EXAMPLE
    Get-KonnektConfiguration | Where-Object Source -eq 'user' | Reset-KonnektConfiguration

    Resets every setting the user changed.
    .INPUTS
    System.String, or objects with a Key property.
    .OUTPUTS
    Konnekt.Setting (with -PassThru).
    .LINK
    Set-KonnektConfiguration
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType('Konnekt.Setting')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string]$Key,

        [switch]$PassThru
    )
    process {
        if (-not $PSCmdlet.ShouldProcess($Key, 'Reset to the default')) { return }
        try {
            $setting = Invoke-KonnektRpc -Method 'config.unset' -Params @{ key = $Key }
        } catch {
            $PSCmdlet.WriteError((ConvertTo-KonnektErrorRecord -ErrorRecord $_ -TargetObject $Key))
            return
        }
        if ($PassThru) { ConvertTo-KonnektObject -InputObject $setting -TypeName 'Konnekt.Setting' }
    }
}
