function Add-KonnektPin {
    <#
    .SYNOPSIS
    Pins a file or folder for offline use: fetches it into the cache and keeps it there.
    .DESCRIPTION
    Calls cache.pin, showing progress while the content is fetched. Pinned files are exempt from
    eviction until Remove-KonnektPin. Folders are pinned with everything in them unless
    -NoRecurse is given. (Add/Remove: a pin is a thing you add to an item; Lock would suggest a
    SharePoint lock or check-out, which pinning is not.)
    .PARAMETER Path
    Local path or namespace path. Accepts pipeline input.
    .PARAMETER NoRecurse
    Pin only the folder's own files, not its subfolders.
    .PARAMETER WhatIf
    Shows what would happen without pinning.
    .PARAMETER Confirm
    Asks for confirmation before pinning.
    .EXAMPLE
    Add-KonnektPin -Path ~/Marketing/Campaign

    Makes the Campaign folder available offline.
    .EXAMPLE
    Get-ChildItem ~/Marketing -Filter *.pptx | Add-KonnektPin

    Pins every presentation in ~/Marketing.
    .INPUTS
    System.String, System.IO.FileSystemInfo, or objects with a Path property.
    .OUTPUTS
    Konnekt.Pin
    .LINK
    Remove-KonnektPin
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low')]
    [OutputType('Konnekt.Pin')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName')]
        [ValidateNotNullOrEmpty()]
        [string]$Path,

        [switch]$NoRecurse
    )
    process {
        $itemPath = Resolve-KonnektItemPath -Cmdlet $PSCmdlet -Path $Path
        if (-not $PSCmdlet.ShouldProcess($itemPath, 'Pin for offline use')) { return }
        $params = [ordered]@{ path = $itemPath; progressToken = "pin-$([guid]::NewGuid().ToString('N'))" }
        # Always explicit: a daemon that defaulted to non-recursive would refuse a folder.
        $params.recursive = -not $NoRecurse
        try {
            $result = Invoke-KonnektRpc -Method 'cache.pin' -Params $params -TimeoutSeconds 0
        } catch {
            $PSCmdlet.WriteError((ConvertTo-KonnektErrorRecord -ErrorRecord $_ -TargetObject $Path))
            return
        }
        ConvertTo-KonnektObject -InputObject $result -TypeName 'Konnekt.Pin' -Extra ([ordered]@{ Path = $itemPath })
    }
}
